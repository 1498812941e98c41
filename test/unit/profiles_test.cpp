// Profiles in-process: config.toml survives a save and load unchanged, is written 0600, and
// loading refuses anything it does not understand or that redline must never hold.
#include "profiles/profile.hpp"

#include <keys.hpp>
#include <paserk.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using redline::Environment;
using redline::cli::AuthMethod;
using redline::cli::load_profiles;
using redline::cli::Profile;
using redline::cli::save_profiles;
using redline::cli::validate_profile;

class Profiles : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-profiles-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        home_ = tmpl;
        ::setenv("XDG_CONFIG_HOME", (home_ / "config").c_str(), 1);
    }
    void TearDown() override
    {
        ::unsetenv("XDG_CONFIG_HOME");
        fs::remove_all(home_);
    }
    fs::path write_config(const std::string &text) const
    {
        fs::path file = redline::cli::config_file();
        std::ofstream(file) << text;
        return file;
    }
    // The message load_profiles throws, or "" when it loads.
    static std::string load_error(const fs::path &file)
    {
        try {
            load_profiles(file);
        } catch (const std::runtime_error &e) {
            return e.what();
        }
        return "";
    }
    static std::string validation_error(const Profile &p)
    {
        try {
            validate_profile(p);
        } catch (const std::runtime_error &e) {
            return e.what();
        }
        return "";
    }
    fs::path write_key(const std::string &name, unsigned mode) const
    {
        auto pair = redline::token::generate_keypair();
        EXPECT_TRUE(pair.has_value());
        fs::path path = home_ / name;
        std::ofstream(path) << *redline::token::paserk_secret(pair->secret) << "\n";
        ::chmod(path.c_str(), mode);
        return path;
    }
    static Profile staging()
    {
        Profile p;
        p.name = "staging";
        p.service = "app-staging";
        p.environment = Environment::staging;
        return p;
    }

    fs::path home_;
};

TEST_F(Profiles, NoFileMeansNoProfiles) { EXPECT_TRUE(load_profiles(redline::cli::config_file()).empty()); }

TEST_F(Profiles, SaveThenLoadGivesTheSameProfiles)
{
    Profile prod;
    prod.name = "prod";
    prod.dsn = "host=db.example.com dbname=app user=alice";
    prod.environment = Environment::production;
    prod.auth = AuthMethod::typed;
    prod.pam_service = "redline-fingerprint";
    prod.key = write_key("laptop.k4.secret", 0600).string();
    Profile dev = staging();
    dev.name = "dev_1";
    dev.environment = Environment::development;
    dev.auth = AuthMethod::none;

    fs::path file = redline::cli::config_file();
    save_profiles(file, {dev, prod});
    auto loaded = load_profiles(file);
    ASSERT_EQ(loaded.size(), 2u);
    EXPECT_EQ(loaded[0].name, "dev_1");
    EXPECT_EQ(loaded[0].service, "app-staging");
    EXPECT_EQ(loaded[0].dsn, "");
    EXPECT_EQ(loaded[0].environment, Environment::development);
    EXPECT_EQ(loaded[0].auth, AuthMethod::none);
    EXPECT_EQ(loaded[0].pam_service, "redline");
    EXPECT_EQ(loaded[0].key, "");
    EXPECT_EQ(loaded[1].name, "prod");
    EXPECT_EQ(loaded[1].service, "");
    EXPECT_EQ(loaded[1].dsn, prod.dsn);
    EXPECT_EQ(loaded[1].environment, Environment::production);
    EXPECT_EQ(loaded[1].auth, AuthMethod::typed);
    EXPECT_EQ(loaded[1].pam_service, "redline-fingerprint");
    EXPECT_EQ(loaded[1].key, prod.key);
}

TEST_F(Profiles, ConfigIsWrittenPrivateAndLeavesNoTemporaryFile)
{
    ::umask(0);
    fs::path file = redline::cli::config_file();
    save_profiles(file, {staging()});
    save_profiles(file, {staging()});
    ::umask(022);
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::stat(file.parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    int entries = 0;
    for ([[maybe_unused]] const auto &entry : fs::directory_iterator(file.parent_path()))
        ++entries;
    EXPECT_EQ(entries, 1);
}

TEST_F(Profiles, HandWrittenFileWithDefaultsLoads)
{
    auto loaded = load_profiles(write_config("[profiles.stage]\nservice = \"s\"\nenvironment = \"staging\"\n"));
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_EQ(loaded[0].auth, redline::cli::default_auth_method());
    EXPECT_EQ(loaded[0].pam_service, "redline");
}

TEST_F(Profiles, LoadRefusesAnUnknownKeyNamingFileAndProfile)
{
    fs::path file = write_config("[profiles.prod]\nservice = \"p\"\nenvironment = \"production\"\npasword = \"x\"\n");
    std::string error = load_error(file);
    EXPECT_NE(error.find(file.string()), std::string::npos) << error;
    EXPECT_NE(error.find("profile \"prod\""), std::string::npos) << error;
    EXPECT_NE(error.find("unknown key \"pasword\""), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST_F(Profiles, LoadRefusesAnUnknownTopLevelKey)
{
    std::string error = load_error(write_config("password = \"x\"\n"));
    EXPECT_NE(error.find("unknown key \"password\""), std::string::npos) << error;
}

TEST_F(Profiles, LoadRefusesWrongTypes)
{
    std::string error = load_error(write_config("[profiles.prod]\nservice = 5\nenvironment = \"production\"\n"));
    EXPECT_NE(error.find("\"service\" must be a string, not an integer"), std::string::npos) << error;
    error = load_error(write_config("profiles = 1\n"));
    EXPECT_NE(error.find("\"profiles\" must be a table"), std::string::npos) << error;
    error = load_error(write_config("[profiles]\nprod = \"x\"\n"));
    EXPECT_NE(error.find("profile \"prod\": must be a table"), std::string::npos) << error;
}

TEST_F(Profiles, LoadRefusesUnknownEnvironmentsAndMethods)
{
    std::string error = load_error(write_config("[profiles.p]\nservice = \"p\"\nenvironment = \"prod\"\n"));
    EXPECT_NE(error.find("profile \"p\": unknown environment \"prod\""), std::string::npos) << error;
    error = load_error(write_config("[profiles.p]\nservice = \"p\"\nenvironment = \"staging\"\nauth = \"retina\"\n"));
    EXPECT_NE(error.find("profile \"p\": unknown auth method \"retina\""), std::string::npos) << error;
    error = load_error(write_config("[profiles.p]\nservice = \"p\"\n"));
    EXPECT_NE(error.find("no \"environment\""), std::string::npos) << error;
}

TEST_F(Profiles, LoadRefusesAPasswordInADsn)
{
    std::string error =
        load_error(write_config("[profiles.p]\ndsn = \"host=db password='s3cret'\"\nenvironment = \"staging\"\n"));
    EXPECT_NE(error.find("profile \"p\": the DSN holds a password"), std::string::npos) << error;
    EXPECT_NE(error.find("~/.pgpass"), std::string::npos) << error;
    EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
    error = load_error(
        write_config("[profiles.p]\ndsn = \"postgresql://alice:s3cret@db/app\"\nenvironment = \"staging\"\n"));
    EXPECT_NE(error.find("user:secret@"), std::string::npos) << error;
    EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
}

TEST_F(Profiles, LoadRefusesBrokenTomlWithItsPosition)
{
    fs::path file = write_config("[profiles.p\n");
    std::string error = load_error(file);
    EXPECT_EQ(error.rfind(file.string() + ":1:", 0), 0u) << error;
}

TEST_F(Profiles, LoadRefusesAProfileNameOutsideTheAlphabet)
{
    std::string error = load_error(write_config("[profiles.\"a b\"]\nservice = \"p\"\nenvironment = \"local\"\n"));
    EXPECT_NE(error.find("is not a profile name"), std::string::npos) << error;
}

TEST(ProfileName, LettersDigitsUnderscoreDashUpTo64)
{
    using redline::cli::valid_profile_name;
    EXPECT_TRUE(valid_profile_name("prod"));
    EXPECT_TRUE(valid_profile_name("Prod_eu-1"));
    EXPECT_TRUE(valid_profile_name(std::string(64, 'a')));
    EXPECT_FALSE(valid_profile_name(std::string(65, 'a')));
    EXPECT_FALSE(valid_profile_name(""));
    EXPECT_FALSE(valid_profile_name("a.b"));
    EXPECT_FALSE(valid_profile_name("a b"));
    EXPECT_FALSE(valid_profile_name("é"));
}

TEST_F(Profiles, ExactlyOneOfServiceAndDsn)
{
    Profile p = staging();
    p.dsn = "host=db";
    EXPECT_NE(validation_error(p).find("exactly one"), std::string::npos);
    p.service.clear();
    p.dsn.clear();
    EXPECT_NE(validation_error(p).find("exactly one"), std::string::npos);
}

TEST_F(Profiles, DsnWithoutPasswordIsAccepted)
{
    Profile p = staging();
    p.service.clear();
    for (const char *dsn :
         {"host=db dbname=app user=alice", "postgresql://alice@db:5432/app?sslmode=require", "service=app-staging"}) {
        p.dsn = dsn;
        EXPECT_EQ(validation_error(p), "") << dsn;
    }
}

TEST_F(Profiles, DsnWithPasswordIsRefusedInEverySpelling)
{
    Profile p = staging();
    p.service.clear();
    for (const char *dsn :
         {"host=db password=x", "host=db password=", "host=db  password = 'a b'", "postgresql://alice:x@db/app",
          "postgres://alice:%73e@db/app", "postgresql://alice@db/app?password=x"}) {
        p.dsn = dsn;
        EXPECT_NE(validation_error(p).find("never stores a password"), std::string::npos) << dsn;
    }
}

TEST_F(Profiles, MalformedDsnIsRefusedOnOneLine)
{
    Profile p = staging();
    p.service.clear();
    p.dsn = "host";
    std::string error = validation_error(p);
    EXPECT_NE(error.find("not a libpq connection string"), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST_F(Profiles, AuthNoneIsOnlyForNonProduction)
{
    Profile p = staging();
    p.auth = AuthMethod::none;
    EXPECT_EQ(validation_error(p), "");
    p.environment = Environment::production;
    EXPECT_NE(validation_error(p).find("none is only for non-production environments"), std::string::npos);
}

TEST_F(Profiles, TouchIdOnlyOnApplePlatforms)
{
    Profile p = staging();
    p.auth = AuthMethod::touchid;
#if defined(__APPLE__)
    EXPECT_EQ(validation_error(p), "");
#else
    EXPECT_NE(validation_error(p).find("touchid needs macOS"), std::string::npos) << validation_error(p);
#endif
}

TEST_F(Profiles, PamServiceMustBeAFileName)
{
    Profile p = staging();
    p.pam_service = "../passwd";
    EXPECT_NE(validation_error(p).find("not a PAM service name"), std::string::npos);
}

TEST_F(Profiles, PamAmrRoundTripsAndIsLeftOutWhenEmpty)
{
    Profile key = staging();
    key.name = "key";
    key.auth = AuthMethod::pam;
    key.pam_service = "redline-key";
    key.pam_amr = {"hwk", "user"};
    fs::path file = redline::cli::config_file();
    save_profiles(file, {key, staging()});
    auto loaded = load_profiles(file);
    ASSERT_EQ(loaded.size(), 2u);
    EXPECT_EQ(loaded[0].pam_amr, (std::vector<std::string>{"hwk", "user"}));
    EXPECT_TRUE(loaded[1].pam_amr.empty());
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("pam_amr = [ 'hwk', 'user' ]"), std::string::npos) << text;
    EXPECT_EQ(text.find("pam_amr", text.find("[profiles.stage]")), std::string::npos) << text;
}

TEST_F(Profiles, PamAmrHoldsRegisteredMethodsOnly)
{
    std::string error = load_error(write_config(
        "[profiles.p]\nservice = \"p\"\nenvironment = \"staging\"\nauth = \"pam\"\npam_amr = [\"finger\"]\n"));
    EXPECT_NE(error.find("profile \"p\": \"finger\" is not an RFC 8176 authentication method"), std::string::npos)
        << error;
    error = load_error(
        write_config("[profiles.p]\nservice = \"p\"\nenvironment = \"staging\"\nauth = \"pam\"\npam_amr = \"fpt\"\n"));
    EXPECT_NE(error.find("\"pam_amr\" must be an array of strings, not a string"), std::string::npos) << error;
    error = load_error(
        write_config("[profiles.p]\nservice = \"p\"\nenvironment = \"staging\"\nauth = \"pam\"\npam_amr = [1]\n"));
    EXPECT_NE(error.find("\"pam_amr\" must be a string, not an integer"), std::string::npos) << error;
}

TEST_F(Profiles, KeyFileMustBePrivateRegularAndASecretKey)
{
    using redline::cli::check_key_file;
    EXPECT_NO_THROW(check_key_file(write_key("good.k4.secret", 0600)));
    EXPECT_NO_THROW(check_key_file(write_key("owner-only.k4.secret", 0400)));

    fs::path loose = write_key("loose.k4.secret", 0640);
    try {
        check_key_file(loose);
        ADD_FAILURE() << "a group-readable key was accepted";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find("mode 0640"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    }
    EXPECT_THROW(check_key_file(home_ / "missing.k4.secret"), std::runtime_error);
    EXPECT_THROW(check_key_file(home_), std::runtime_error);

    fs::path text = home_ / "notes.txt";
    std::ofstream(text) << "not a key\n";
    ::chmod(text.c_str(), 0600);
    EXPECT_THROW(check_key_file(text), std::runtime_error);
}

TEST_F(Profiles, KeyPathMustBeAbsolute)
{
    Profile p = staging();
    p.key = "relative.k4.secret";
    EXPECT_NE(validation_error(p).find("not absolute"), std::string::npos);
}

} // namespace
