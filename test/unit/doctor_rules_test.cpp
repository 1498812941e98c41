// redline doctor's rules over plain facts: what each one finds, its severity, what it says
// to do, and what it leaves alone.
#include "profiles/doctor_rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace {

using redline::Environment;
using redline::cli::AuthMethod;
using redline::cli::ConnectionFacts;
using redline::cli::DoctorFacts;
using redline::cli::Endpoint;
using redline::cli::FileFacts;
using redline::cli::FileKind;
using redline::cli::FileRole;
using redline::cli::Finding;
using redline::cli::LibpqEnvironment;
using redline::cli::parse_pgpass;
using redline::cli::Severity;

// A profile that connects to host:port as user, every value from its DSN.
ConnectionFacts profile(const std::string &name, Environment env, const std::string &host, const std::string &user,
                        const std::string &port = "5432")
{
    ConnectionFacts p;
    p.profile = name;
    p.environment = env;
    p.auth = AuthMethod::pam;
    p.endpoints.push_back(Endpoint{{host, "DSN"}, {port, "DSN"}});
    p.user = {user, "DSN"};
    p.database = {"app", "DSN"};
    p.passfile = {"/home/a/.pgpass", "default"};
    return p;
}

std::vector<Finding> with_code(const std::vector<Finding> &findings, const std::string &code)
{
    std::vector<Finding> out;
    std::copy_if(findings.begin(), findings.end(), std::back_inserter(out),
                 [&](const Finding &f) { return f.code == code; });
    return out;
}

bool says(const Finding &f, const std::string &words)
{
    return f.what.find(words) != std::string::npos || f.todo.find(words) != std::string::npos;
}

// Shared connections

TEST(DoctorSharing, SeparateServersAndUsersAreClean)
{
    auto findings = redline::cli::check_shared_connections(
        {profile("stage", Environment::staging, "stage.internal", "alice_stage"),
         profile("prod", Environment::production, "db1.internal", "alice_prod")});
    EXPECT_TRUE(findings.empty());
}

TEST(DoctorSharing, ASharedUserAcrossEnvironmentsIsAWarning)
{
    auto findings =
        redline::cli::check_shared_connections({profile("stage", Environment::staging, "stage.internal", "alice"),
                                                profile("prod", Environment::production, "db1.internal", "alice")});
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].code, "shared-user");
    EXPECT_EQ(findings[0].severity, Severity::warning);
    EXPECT_TRUE(says(findings[0], "profiles stage (staging) and prod (production)")) << findings[0].what;
    EXPECT_TRUE(says(findings[0], "\"alice\"")) << findings[0].what;
    EXPECT_TRUE(says(findings[0], "separate role per environment")) << findings[0].todo;
}

TEST(DoctorSharing, TheSameEnvironmentMayShareEverything)
{
    auto findings =
        redline::cli::check_shared_connections({profile("prod-ro", Environment::production, "db1", "alice"),
                                                profile("prod-rw", Environment::production, "db1", "alice")});
    EXPECT_TRUE(findings.empty());
}

TEST(DoctorSharing, ASharedServerIsAnErrorWhateverTheCaseOfItsName)
{
    auto findings = redline::cli::check_shared_connections(
        {profile("stage", Environment::staging, "DB1.internal", "alice_stage"),
         profile("prod", Environment::production, "db1.internal", "alice_prod")});
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].code, "shared-server");
    EXPECT_EQ(findings[0].severity, Severity::error);
    EXPECT_TRUE(says(findings[0], "db1.internal:5432")) << findings[0].what;
    EXPECT_TRUE(says(findings[0], "one redline.environment")) << findings[0].todo;
}

TEST(DoctorSharing, OtherPortsAreOtherServers)
{
    auto findings = redline::cli::check_shared_connections({profile("dev", Environment::development, "", "a", "5432"),
                                                            profile("local", Environment::local, "", "b", "5433")});
    EXPECT_TRUE(findings.empty());
}

TEST(DoctorSharing, TheLocalSocketIsNamedAsSuch)
{
    auto findings = redline::cli::check_shared_connections(
        {profile("dev", Environment::development, "", "a"), profile("local", Environment::local, "", "b")});
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(says(findings[0], "the local socket (port 5432)")) << findings[0].what;
}

TEST(DoctorSharing, AnyHostOfAListCounts)
{
    ConnectionFacts stage = profile("stage", Environment::staging, "stage1", "s");
    stage.endpoints.push_back(Endpoint{{"db1", "DSN"}, {"5432", "DSN"}});
    auto findings =
        redline::cli::check_shared_connections({stage, profile("prod", Environment::production, "db1", "p")});
    ASSERT_EQ(with_code(findings, "shared-server").size(), 1u);
}

TEST(DoctorSharing, ASharedServiceIsAnError)
{
    ConnectionFacts stage = profile("stage", Environment::staging, "s", "s");
    ConnectionFacts prod = profile("prod", Environment::production, "p", "p");
    stage.service = {"app", "profile"};
    prod.service = {"app", "profile"};
    auto findings = redline::cli::check_shared_connections({stage, prod});
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].code, "shared-service");
    EXPECT_EQ(findings[0].severity, Severity::error);
    EXPECT_TRUE(says(findings[0], "service \"app\"")) << findings[0].what;
}

TEST(DoctorSharing, ThreeProfilesMakeOneFinding)
{
    auto findings = redline::cli::check_shared_connections({profile("dev", Environment::development, "d", "alice"),
                                                            profile("stage", Environment::staging, "s", "alice"),
                                                            profile("prod", Environment::production, "p", "alice")});
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(says(findings[0], "dev (development), stage (staging) and prod (production)")) << findings[0].what;
}

TEST(DoctorSharing, SourcesAreNamed)
{
    ConnectionFacts prod = profile("prod", Environment::production, "p", "alice");
    prod.user.source = "service prod in /home/a/.pg_service.conf";
    auto findings =
        redline::cli::check_shared_connections({profile("stage", Environment::staging, "s", "alice"), prod});
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(says(findings[0], "stage: DSN; prod: service prod in /home/a/.pg_service.conf")) << findings[0].what;
}

TEST(DoctorSharing, AValueOnlyAVariableSuppliesIsLeftToTheVariableRule)
{
    ConnectionFacts stage = profile("stage", Environment::staging, "s", "alice");
    ConnectionFacts prod = profile("prod", Environment::production, "p", "alice");
    stage.user.source = prod.user.source = "PGUSER";
    EXPECT_TRUE(redline::cli::check_shared_connections({stage, prod}).empty());
}

TEST(DoctorSharing, UnresolvedProfilesAreLeftOut)
{
    ConnectionFacts prod = profile("prod", Environment::production, "p", "alice");
    prod.problem = "service \"x\" is defined in no service file";
    EXPECT_TRUE(
        redline::cli::check_shared_connections({profile("stage", Environment::staging, "s", "alice"), prod}).empty());
    auto unresolved = redline::cli::check_unresolved({prod});
    ASSERT_EQ(unresolved.size(), 1u);
    EXPECT_EQ(unresolved[0].code, "unresolved");
    EXPECT_TRUE(says(unresolved[0], "profile prod (production) would not connect: service \"x\""))
        << unresolved[0].what;
}

// Password files

TEST(DoctorPasswords, OneLinePerEnvironmentIsClean)
{
    std::map<std::string, std::vector<redline::cli::PgpassLine>> files{
        {"/home/a/.pgpass", parse_pgpass("s:5432:*:alice:one\np:5432:*:alice:two\n")}};
    auto findings = redline::cli::check_password_files(
        {profile("stage", Environment::staging, "s", "alice"), profile("prod", Environment::production, "p", "alice")},
        files);
    EXPECT_TRUE(findings.empty());
}

TEST(DoctorPasswords, AWildcardLineServingProductionAndStagingIsAnError)
{
    std::map<std::string, std::vector<redline::cli::PgpassLine>> files{
        {"/home/a/.pgpass", parse_pgpass("# mine\n*:*:*:alice:same\n")}};
    auto findings = redline::cli::check_password_files(
        {profile("stage", Environment::staging, "s", "alice"), profile("prod", Environment::production, "p", "alice")},
        files);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].code, "shared-password");
    EXPECT_EQ(findings[0].severity, Severity::error);
    EXPECT_TRUE(says(findings[0], "/home/a/.pgpass line 2 (*:*:*:alice) gives the same password to stage (staging) "
                                  "and prod (production)"))
        << findings[0].what;
    EXPECT_TRUE(says(findings[0], "wildcard")) << findings[0].todo;
}

TEST(DoctorPasswords, WithoutProductionItIsAWarning)
{
    std::map<std::string, std::vector<redline::cli::PgpassLine>> files{
        {"/home/a/.pgpass", parse_pgpass("*:5432:*:*:same\n")}};
    auto findings = redline::cli::check_password_files(
        {profile("dev", Environment::development, "d", "a"), profile("stage", Environment::staging, "s", "b")}, files);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].severity, Severity::warning);
}

TEST(DoctorPasswords, ASpecificLineForTwoEnvironmentsIsFlaggedToo)
{
    // Two profiles that reach one server as one user: whatever else is wrong, one line serves both.
    std::map<std::string, std::vector<redline::cli::PgpassLine>> files{
        {"/home/a/.pgpass", parse_pgpass("db1:5432:app:alice:pw\n")}};
    auto findings = redline::cli::check_password_files({profile("stage", Environment::staging, "db1", "alice"),
                                                        profile("prod", Environment::production, "db1", "alice")},
                                                       files);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(says(findings[0], "separate role and password")) << findings[0].todo;
}

TEST(DoctorPasswords, TheFirstMatchingLineDecides)
{
    // A specific production line ahead of the wildcard: production never reaches the wildcard.
    std::map<std::string, std::vector<redline::cli::PgpassLine>> files{
        {"/home/a/.pgpass", parse_pgpass("p:5432:*:alice:prod\n*:*:*:alice:other\n")}};
    auto findings = redline::cli::check_password_files(
        {profile("stage", Environment::staging, "s", "alice"), profile("prod", Environment::production, "p", "alice")},
        files);
    EXPECT_TRUE(findings.empty());
}

TEST(DoctorPasswords, TheDefaultSocketMatchesLocalhostLines)
{
    std::map<std::string, std::vector<redline::cli::PgpassLine>> files{
        {"/home/a/.pgpass", parse_pgpass("localhost:*:*:alice:pw\n")}};
    auto findings = redline::cli::check_password_files({profile("dev", Environment::development, "", "alice", "5432"),
                                                        profile("prod", Environment::production, "", "alice", "5433")},
                                                       files);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_TRUE(says(findings[0], "localhost:*:*:alice")) << findings[0].what;
}

TEST(DoctorPasswords, EachProfileReadsItsOwnPasswordFile)
{
    ConnectionFacts prod = profile("prod", Environment::production, "p", "alice");
    prod.passfile = {"/secrets/prod.pgpass", "DSN"};
    std::map<std::string, std::vector<redline::cli::PgpassLine>> files{
        {"/home/a/.pgpass", parse_pgpass("*:*:*:alice:stage\n")},
        {"/secrets/prod.pgpass", parse_pgpass("*:*:*:alice:prod\n")}};
    EXPECT_TRUE(redline::cli::check_password_files({profile("stage", Environment::staging, "s", "alice"), prod}, files)
                    .empty());
}

TEST(DoctorPasswords, AGivenPasswordComesBeforeTheFile)
{
    ConnectionFacts prod = profile("prod", Environment::production, "p", "alice");
    prod.password = {"", "PGPASSWORD"};
    std::map<std::string, std::vector<redline::cli::PgpassLine>> files{
        {"/home/a/.pgpass", parse_pgpass("*:*:*:alice:same\n")}};
    EXPECT_TRUE(redline::cli::check_password_files({profile("stage", Environment::staging, "s", "alice"), prod}, files)
                    .empty());
}

// Environment variables

TEST(DoctorVariables, PgpasswordWithProductionProfilesIsAnError)
{
    LibpqEnvironment env;
    env.variables["PGPASSWORD"] = "secret";
    auto findings =
        redline::cli::check_environment_variables({profile("prod", Environment::production, "p", "alice")}, env);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].code, "env-password");
    EXPECT_EQ(findings[0].severity, Severity::error);
    EXPECT_TRUE(says(findings[0], "unset PGPASSWORD")) << findings[0].todo;
    EXPECT_FALSE(says(findings[0], "secret")) << "never repeat a password";
}

TEST(DoctorVariables, PgpasswordAcrossOtherEnvironmentsIsAWarning)
{
    LibpqEnvironment env;
    env.variables["PGPASSWORD"] = "secret";
    auto findings = redline::cli::check_environment_variables(
        {profile("dev", Environment::development, "d", "a"), profile("stage", Environment::staging, "s", "b")}, env);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].severity, Severity::warning);
    EXPECT_TRUE(
        redline::cli::check_environment_variables({profile("dev", Environment::development, "d", "a")}, env).empty());
}

TEST(DoctorVariables, AVariableSupplyingTwoEnvironmentsIsAWarning)
{
    LibpqEnvironment env;
    env.variables["PGUSER"] = "alice";
    ConnectionFacts stage = profile("stage", Environment::staging, "s", "alice");
    ConnectionFacts prod = profile("prod", Environment::production, "p", "alice");
    stage.user.source = prod.user.source = "PGUSER";
    auto findings = redline::cli::check_environment_variables({stage, prod}, env);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].code, "env-variable");
    EXPECT_EQ(findings[0].severity, Severity::warning);
    EXPECT_TRUE(says(findings[0], "PGUSER=alice is set and applies to profiles stage (staging) and prod (production)"))
        << findings[0].what;
    EXPECT_TRUE(says(findings[0], "set user= in each profile's DSN or service, and unset PGUSER")) << findings[0].todo;
}

TEST(DoctorVariables, AVariableEveryProfileOverridesIsHarmless)
{
    LibpqEnvironment env;
    env.variables["PGHOST"] = "db9";
    env.variables["PGDATABASE"] = "app";
    auto findings = redline::cli::check_environment_variables(
        {profile("stage", Environment::staging, "s", "a"), profile("prod", Environment::production, "p", "b")}, env);
    EXPECT_TRUE(findings.empty());
}

TEST(DoctorVariables, PghostSupplyingOneEnvironmentOnlyIsFine)
{
    LibpqEnvironment env;
    env.variables["PGHOST"] = "db9";
    ConnectionFacts dev = profile("dev", Environment::development, "db9", "a");
    dev.endpoints[0].host.source = "PGHOST";
    EXPECT_TRUE(
        redline::cli::check_environment_variables({dev, profile("prod", Environment::production, "p", "b")}, env)
            .empty());
}

// Person checks

TEST(DoctorAuth, ProductionWithTypedIsAWarningAndNoneAnError)
{
    ConnectionFacts typed = profile("prod", Environment::production, "p", "a");
    typed.auth = AuthMethod::typed;
    ConnectionFacts none = profile("prod2", Environment::production, "p", "a");
    none.auth = AuthMethod::none;
    ConnectionFacts stage = profile("stage", Environment::staging, "s", "a");
    stage.auth = AuthMethod::none;
    auto findings =
        redline::cli::check_auth_methods({typed, none, stage, profile("pamprod", Environment::production, "p", "a")});
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_EQ(findings[0].code, "weak-auth");
    EXPECT_EQ(findings[0].severity, Severity::warning);
    EXPECT_TRUE(says(findings[0], "production profile prod has auth typed")) << findings[0].what;
    EXPECT_TRUE(says(findings[0], "pam_fprintd")) << findings[0].todo;
    EXPECT_TRUE(says(findings[0], "pam_u2f")) << findings[0].todo;
    EXPECT_EQ(findings[1].severity, Severity::error);
    EXPECT_TRUE(says(findings[1], "production profile prod2 has auth none")) << findings[1].what;
}

// File modes

FileFacts file(const std::string &path, FileRole role, unsigned mode, unsigned uid = 1000,
               FileKind kind = FileKind::regular)
{
    return FileFacts{path, role, kind, mode, uid};
}

TEST(DoctorFiles, PrivateFilesAreClean)
{
    auto findings = redline::cli::check_file_modes(
        {file("/c/redline", FileRole::config_directory, 0700, 1000, FileKind::directory),
         file("/c/redline/config.toml", FileRole::config_file, 0600),
         file("/c/redline/keys", FileRole::keys_directory, 0700, 1000, FileKind::directory),
         file("/c/redline/keys/laptop.k4.secret", FileRole::secret_key, 0600),
         file("/c/redline/keys/old.k4.secret", FileRole::secret_key, 0400),
         file("/home/a/.pgpass", FileRole::password_file, 0600),
         FileFacts{"/gone", FileRole::secret_key, FileKind::missing, 0, 0}},
        1000);
    EXPECT_TRUE(findings.empty());
}

TEST(DoctorFiles, AReadableKeyIsAnError)
{
    auto findings = redline::cli::check_file_modes({file("/k/laptop.k4.secret", FileRole::secret_key, 0644)}, 1000);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].code, "key-file");
    EXPECT_EQ(findings[0].severity, Severity::error);
    EXPECT_TRUE(says(findings[0], "/k/laptop.k4.secret has mode 0644")) << findings[0].what;
    EXPECT_EQ(findings[0].todo, "chmod 600 /k/laptop.k4.secret");
}

TEST(DoctorFiles, AKeyOfAnotherUserIsAnError)
{
    auto findings = redline::cli::check_file_modes({file("/k/x.k4.secret", FileRole::secret_key, 0600, 0)}, 1000);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].severity, Severity::error);
    EXPECT_TRUE(says(findings[0], "belongs to user id 0")) << findings[0].what;
    EXPECT_TRUE(says(findings[0], "redline keygen")) << findings[0].todo;
}

TEST(DoctorFiles, TheKeysDirectoryMustBe0700)
{
    auto findings = redline::cli::check_file_modes(
        {file("/c/redline/keys", FileRole::keys_directory, 0750, 1000, FileKind::directory)}, 1000);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].code, "keys-directory");
    EXPECT_EQ(findings[0].severity, Severity::error);
    EXPECT_EQ(findings[0].todo, "chmod 700 /c/redline/keys");
    auto not_dir = redline::cli::check_file_modes({file("/c/redline/keys", FileRole::keys_directory, 0600)}, 1000);
    ASSERT_EQ(not_dir.size(), 1u);
    EXPECT_TRUE(says(not_dir[0], "is not a directory")) << not_dir[0].what;
}

TEST(DoctorFiles, ConfigReadableByOthersIsAWarningWritableAnError)
{
    auto readable = redline::cli::check_file_modes({file("/c/config.toml", FileRole::config_file, 0644)}, 1000);
    ASSERT_EQ(readable.size(), 1u);
    EXPECT_EQ(readable[0].code, "config-file");
    EXPECT_EQ(readable[0].severity, Severity::warning);
    EXPECT_EQ(readable[0].todo, "chmod 600 /c/config.toml");
    auto writable = redline::cli::check_file_modes({file("/c/config.toml", FileRole::config_file, 0666)}, 1000);
    ASSERT_EQ(writable.size(), 1u);
    EXPECT_EQ(writable[0].severity, Severity::error);
    EXPECT_TRUE(says(writable[0], "others can change your profiles")) << writable[0].what;
}

TEST(DoctorFiles, ALoosePasswordFileIsIgnoredByLibpq)
{
    auto findings = redline::cli::check_file_modes({file("/home/a/.pgpass", FileRole::password_file, 0640)}, 1000);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].code, "password-file");
    EXPECT_EQ(findings[0].severity, Severity::warning);
    EXPECT_TRUE(says(findings[0], "libpq ignores it")) << findings[0].what;
}

// All together

TEST(Doctor, ErrorsComeFirstAndDecideTheOutcome)
{
    DoctorFacts facts;
    facts.uid = 1000;
    ConnectionFacts prod = profile("prod", Environment::production, "p", "alice");
    prod.auth = AuthMethod::typed;
    facts.profiles = {profile("stage", Environment::staging, "s", "alice"), prod};
    facts.files = {file("/k/a.k4.secret", FileRole::secret_key, 0644)};
    auto findings = redline::cli::run_doctor_rules(facts);
    ASSERT_EQ(findings.size(), 3u);
    EXPECT_EQ(findings[0].code, "key-file");
    EXPECT_EQ(findings[1].code, "shared-user");
    EXPECT_EQ(findings[2].code, "weak-auth");
    EXPECT_TRUE(redline::cli::has_errors(findings));
    findings.erase(findings.begin());
    EXPECT_FALSE(redline::cli::has_errors(findings));
    EXPECT_TRUE(redline::cli::run_doctor_rules(DoctorFacts{}).empty());
}

TEST(Doctor, AFindingIsOneLine)
{
    Finding f{Severity::error, "shared-server", "profiles a and b reach db1:5432", "correct one"};
    EXPECT_EQ(redline::cli::format_finding(f, redline::cli::Palette::plain()),
              "error[shared-server]: profiles a and b reach db1:5432; correct one");
    Finding w{Severity::warning, "shared-user", "what", "todo"};
    EXPECT_EQ(redline::cli::format_finding(w, redline::cli::Palette::plain()), "warning[shared-user]: what; todo");
    std::string colored = redline::cli::format_finding(f, redline::cli::Palette::colored());
    EXPECT_NE(colored.find("\x1b["), std::string::npos);
    EXPECT_NE(colored.find("[shared-server]: profiles a and b"), std::string::npos);
}

} // namespace
