// Runs `redline profile add|list|remove` as a user would, in a throwaway XDG_CONFIG_HOME:
// profiles round-trip through a private config.toml, and every refusal is one line and exit 1.
#include "run_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using redline::test::ProcessResult;
using redline::test::run_process;

class ProfileCommand : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-profile-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        home_ = tmpl;
        ::setenv("XDG_CONFIG_HOME", (home_ / "config").c_str(), 1);
        ::unsetenv("NO_COLOR");
        old_umask_ = ::umask(0);
    }
    void TearDown() override
    {
        ::umask(old_umask_);
        ::unsetenv("XDG_CONFIG_HOME");
        ::unsetenv("NO_COLOR");
        fs::remove_all(home_);
    }
    static ProcessResult redline(std::vector<std::string> args)
    {
        args.insert(args.begin(), REDLINE_BINARY);
        return run_process(args);
    }
    fs::path config() const { return home_ / "config" / "redline" / "config.toml"; }
    static unsigned mode_of(const fs::path &p)
    {
        struct stat st {};
        EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
        return st.st_mode & 07777;
    }
    static std::string read(const fs::path &p)
    {
        std::ifstream in(p);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    // A refusal: exit code 1, nothing on stdout, one line on stderr that contains `words`.
    static void expect_refused(const ProcessResult &r, const std::string &words)
    {
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    }
    void add_staging_and_production() const
    {
        ASSERT_EQ(redline({"profile", "add", "stage", "--service", "app-staging", "--env", "staging"}).exit_code, 0);
        auto r = redline({"profile", "add", "prod", "--dsn", "host=db.example.com dbname=app user=alice", "--env",
                          "production", "--auth", "typed"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }

    fs::path home_;
    mode_t old_umask_ = 022;
};

TEST_F(ProfileCommand, ListWithNoProfilesSaysHowToAddOne)
{
    auto r = redline({"profile", "list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("redline profile add NAME --service"), std::string::npos) << r.out;
}

TEST_F(ProfileCommand, AddListRemoveRoundTrip)
{
    add_staging_and_production();
    EXPECT_EQ(mode_of(config()), 0600u);
    EXPECT_EQ(mode_of(config().parent_path()), 0700u);

    ::setenv("NO_COLOR", "1", 1);
    auto list = redline({"profile", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(list.out, "NAME   ENVIRONMENT  CONNECTION                                 AUTH\n"
                        "prod   production   host=db.example.com dbname=app user=alice  typed\n"
                        "stage  staging      service=app-staging                        pam\n");

    auto removed = redline({"profile", "remove", "stage"});
    EXPECT_EQ(removed.exit_code, 0) << removed.err;
    list = redline({"profile", "list"});
    EXPECT_EQ(list.out.find("stage"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("prod"), std::string::npos) << list.out;
    EXPECT_EQ(mode_of(config()), 0600u);
}

TEST_F(ProfileCommand, ConfigIsTheDocumentedToml)
{
    add_staging_and_production();
    std::string text = read(config());
    EXPECT_NE(text.find("[profiles.prod]"), std::string::npos) << text;
    EXPECT_NE(text.find("dsn = 'host=db.example.com dbname=app user=alice'"), std::string::npos) << text;
    EXPECT_NE(text.find("environment = 'production'"), std::string::npos) << text;
    EXPECT_NE(text.find("auth = 'typed'"), std::string::npos) << text;
    EXPECT_NE(text.find("[profiles.stage]"), std::string::npos) << text;
    EXPECT_NE(text.find("service = 'app-staging'"), std::string::npos) << text;
    EXPECT_NE(text.find("pam_service = 'redline'"), std::string::npos) << text;
}

TEST_F(ProfileCommand, ListWithoutColourHasNoEscapeBytes)
{
    add_staging_and_production();
    ::setenv("NO_COLOR", "1", 1);
    auto r = redline({"profile", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("production"), std::string::npos) << r.out;
}

TEST_F(ProfileCommand, ListWithColourPaintsProductionRed)
{
    add_staging_and_production();
    auto r = redline({"--color=always", "profile", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Tango red, as redline.color's "red" is painted everywhere else.
    EXPECT_NE(r.out.find("\x1b[38;2;204;000;000mproduction\x1b[0m"), std::string::npos) << r.out;
    // Orange for staging; the columns still line up after the escape bytes.
    EXPECT_NE(r.out.find("\x1b[38;2;206;092;000mstaging\x1b[0m      service=app-staging"), std::string::npos) << r.out;
}

TEST_F(ProfileCommand, ExistingNameNeedsReplace)
{
    add_staging_and_production();
    expect_refused(redline({"profile", "add", "stage", "--service", "other", "--env", "staging"}),
                   "profile \"stage\" already exists; add --replace");
    auto r = redline({"profile", "add", "stage", "--service", "other", "--env", "development", "--replace"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ::setenv("NO_COLOR", "1", 1);
    auto list = redline({"profile", "list"});
    EXPECT_NE(list.out.find("stage  development  service=other"), std::string::npos) << list.out;
}

TEST_F(ProfileCommand, PasswordInDsnIsRefused)
{
    for (const char *dsn : {"host=db user=alice password=s3cret", "postgresql://alice:s3cret@db/app"}) {
        auto r = redline({"profile", "add", "prod", "--dsn", dsn, "--env", "production"});
        expect_refused(r, "redline never stores a password: put it in ~/.pgpass or name a service from "
                          "pg_service.conf");
        EXPECT_EQ(r.err.find("s3cret"), std::string::npos) << r.err;
    }
    EXPECT_FALSE(fs::exists(config()));
}

TEST_F(ProfileCommand, AuthNoneIsRefusedForProduction)
{
    expect_refused(redline({"profile", "add", "prod", "--service", "p", "--env", "production", "--auth", "none"}),
                   "none is only for non-production environments");
    EXPECT_EQ(redline({"profile", "add", "dev", "--service", "d", "--env", "development", "--auth", "none"}).exit_code,
              0);
}

TEST_F(ProfileCommand, PamAmrIsACommaListOfRegisteredMethodsForPam)
{
    auto r = redline({"profile", "add", "key", "--service", "k", "--env", "production", "--auth", "pam",
                      "--pam-service", "redline-key", "--pam-amr", "hwk,user"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(read(config()).find("pam_amr = [ 'hwk', 'user' ]"), std::string::npos) << read(config());
    expect_refused(redline({"profile", "add", "k2", "--service", "k", "--env", "production", "--pam-amr", "finger"}),
                   "\"finger\" is not an RFC 8176 authentication method");
    expect_refused(redline({"profile", "add", "k3", "--service", "k", "--env", "production", "--auth", "typed",
                            "--pam-amr", "fpt"}),
                   "--pam-amr says what a PAM service proves: it goes with --auth pam");
}

#if !defined(__APPLE__)
TEST_F(ProfileCommand, TouchIdIsRefusedOffApplePlatforms)
{
    expect_refused(redline({"profile", "add", "prod", "--service", "p", "--env", "production", "--auth", "touchid"}),
                   "touchid needs macOS");
}
#endif

TEST_F(ProfileCommand, KeyMustBeAPrivateSecretKey)
{
    auto keygen = redline({"keygen", "--label", "laptop"});
    ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
    fs::path key = home_ / "config" / "redline" / "keys" / "laptop.k4.secret";
    auto r = redline({"profile", "add", "prod", "--service", "p", "--env", "production", "--key", key.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(read(config()).find("key = '" + key.string() + "'"), std::string::npos) << read(config());

    ::chmod(key.c_str(), 0644);
    expect_refused(redline({"profile", "add", "prod2", "--service", "p", "--env", "production", "--key", key.string()}),
                   "has mode 0644");
    expect_refused(redline({"profile", "add", "prod2", "--service", "p", "--env", "production", "--key",
                            (home_ / "missing").string()}),
                   "cannot use key");
    expect_refused(
        redline({"profile", "add", "prod2", "--service", "p", "--env", "production", "--key", home_.string()}),
        "is not a regular file");
}

TEST_F(ProfileCommand, BadArgumentsAreRefusedOnOneLine)
{
    expect_refused(redline({"profile", "add", "bad.name", "--service", "p", "--env", "staging"}),
                   "is not a profile name");
    expect_refused(redline({"profile", "add", "p", "--service", "p", "--env", "prod"}), "unknown environment");
    expect_refused(redline({"profile", "add", "p", "--service", "p", "--env", "staging", "--auth", "retina"}),
                   "unknown auth method");
    expect_refused(redline({"profile", "add", "p", "--service", "p", "--dsn", "host=db", "--env", "staging"}),
                   "either --service or --dsn, not both");
    expect_refused(redline({"profile", "add", "p", "--env", "staging"}), "give --service");
    EXPECT_FALSE(fs::exists(config()));
}

TEST_F(ProfileCommand, RemovingAMissingProfileFails)
{
    expect_refused(redline({"profile", "remove", "nope"}), "no profile named \"nope\"");
}

TEST_F(ProfileCommand, HandWrittenConfigWithUnknownKeyIsRefused)
{
    fs::create_directories(config().parent_path());
    std::ofstream(config()) << "[profiles.prod]\nservice = \"p\"\nenvironment = \"production\"\ncolour = \"red\"\n";
    auto r = redline({"profile", "list"});
    expect_refused(r, config().string() + ": profile \"prod\": unknown key \"colour\"");
}

TEST_F(ProfileCommand, HandWrittenConfigWithPasswordInDsnIsRefused)
{
    fs::create_directories(config().parent_path());
    std::ofstream(config()) << "[profiles.prod]\ndsn = \"host=db password=s3cret\"\nenvironment = \"production\"\n";
    auto r = redline({"profile", "list"});
    expect_refused(r, config().string() + ": profile \"prod\": the DSN holds a password");
    EXPECT_EQ(r.err.find("s3cret"), std::string::npos) << r.err;
    // Adding another profile never rewrites the refused file without the bad one noticed.
    expect_refused(redline({"profile", "add", "stage", "--service", "s", "--env", "staging"}),
                   "the DSN holds a password");
}

TEST_F(ProfileCommand, HelpTeachesTheSubcommands)
{
    auto r = redline({"profile", "add", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char *word :
         {"--service", "--dsn", "--env", "--auth", "--pam-service", "--pam-amr", "--key", "--replace"})
        EXPECT_NE(r.out.find(word), std::string::npos) << word;
}

} // namespace
