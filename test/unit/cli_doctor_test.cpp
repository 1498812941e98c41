// Runs `redline doctor` as a user would on a home directory of the test's own: it reads the
// profiles, service file, password file and modes there, connects nowhere, changes nothing,
// and exits 1 only for errors.
#include "run_process.hpp"

#include <gtest/gtest.h>

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

class DoctorCommand : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-doctor-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        home_ = tmpl;
        ::setenv("XDG_CONFIG_HOME", (home_ / "config").c_str(), 1);
        ::setenv("PGPASSFILE", (home_ / "pgpass").c_str(), 1);
        ::setenv("PGSERVICEFILE", (home_ / "pg_service.conf").c_str(), 1);
        ::setenv("PGSYSCONFDIR", (home_ / "etc").c_str(), 1);
        for (const char *name : {"PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGSERVICE", "PGPASSWORD", "PGDATABASE"})
            ::unsetenv(name);
    }
    void TearDown() override
    {
        for (const char *name : {"XDG_CONFIG_HOME", "PGPASSFILE", "PGSERVICEFILE", "PGSYSCONFDIR", "PGPASSWORD"})
            ::unsetenv(name);
        fs::remove_all(home_);
    }
    static ProcessResult redline(std::vector<std::string> args)
    {
        args.insert(args.begin(), REDLINE_BINARY);
        return run_process(args);
    }
    static void add_profile(const std::vector<std::string> &args)
    {
        std::vector<std::string> all{"profile", "add"};
        all.insert(all.end(), args.begin(), args.end());
        auto r = redline(all);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    void write(const std::string &name, const std::string &text, unsigned mode = 0600) const
    {
        std::ofstream(home_ / name) << text;
        ::chmod((home_ / name).c_str(), mode);
    }

    fs::path home_;
};

TEST_F(DoctorCommand, HelpSaysWhatItReadsAndTheExitCodes)
{
    auto r = redline({"doctor", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char *words : {"Usage: redline doctor", "without connecting anywhere", "pg_service.conf", ".pgpass",
                              "PGPASSWORD", "error[rule]",
                              "Exit status: 0 nothing found, or warnings only; 1 at least "
                              "one error"})
        EXPECT_NE(r.out.find(words), std::string::npos) << words << "\n" << r.out;
}

TEST_F(DoctorCommand, NothingToCheckIsClean)
{
    auto r = redline({"doctor"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, "redline doctor: no problems found (0 profiles checked)\n");
}

TEST_F(DoctorCommand, SeparateEnvironmentsAreClean)
{
    add_profile(
        {"stage", "--dsn", "host=stage.example.com user=alice_stage dbname=app", "--env", "staging", "--auth", "none"});
    add_profile(
        {"prod", "--dsn", "host=db1.example.com user=alice_prod dbname=app", "--env", "production", "--auth", "pam"});
    write("pgpass", "stage.example.com:5432:app:alice_stage:one\ndb1.example.com:5432:app:alice_prod:two\n");
    auto r = redline({"doctor"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out, "redline doctor: no problems found (2 profiles checked)\n");
}

TEST_F(DoctorCommand, AServiceSharedThroughTheServiceFileIsAnError)
{
    fs::create_directories(home_ / "etc");
    write("etc/pg_service.conf", "[app]\nhost=db1.example.com\nuser=alice\n", 0644);
    add_profile({"stage", "--service", "app", "--env", "staging", "--auth", "none"});
    add_profile({"prod", "--service", "app", "--env", "production", "--auth", "pam"});
    auto r = redline({"doctor", "--verbose"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("error[shared-service]: profiles prod (production) and stage (staging) use the same service "
                         "\"app\""),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("error[shared-server]: profiles prod (production) and stage (staging) reach the same server "
                         "db1.example.com:5432 (prod: service app in " +
                         (home_ / "etc/pg_service.conf").string()),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find("read service file " + (home_ / "etc/pg_service.conf").string() + " (1 service)"),
              std::string::npos)
        << r.err;
}

TEST_F(DoctorCommand, PgpasswordWithProductionIsAnError)
{
    add_profile({"prod", "--dsn", "host=db1.example.com user=alice", "--env", "production", "--auth", "pam"});
    ::setenv("PGPASSWORD", "hunter2", 1);
    auto r = redline({"doctor"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("error[env-password]: PGPASSWORD is set"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("hunter2"), std::string::npos) << r.out;
}

TEST_F(DoctorCommand, LooseModesAreFoundAndLeftAsTheyAre)
{
    ASSERT_EQ(redline({"keygen", "--label", "laptop"}).exit_code, 0);
    fs::path keys = home_ / "config/redline/keys";
    ::chmod(keys.c_str(), 0755);
    ::chmod((keys / "laptop.k4.secret").c_str(), 0640);
    add_profile({"dev", "--dsn", "host=dev.example.com", "--env", "development", "--auth", "none"});
    ::chmod((home_ / "config/redline").c_str(), 0755);
    ::chmod((home_ / "config/redline/config.toml").c_str(), 0644);
    write("pgpass", "*:*:*:*:pw\n", 0644);
    auto r = redline({"doctor"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    for (std::string words : {"error[keys-directory]: " + keys.string() + " has mode 0755",
                              "warning[config-directory]: " + (home_ / "config/redline").string() + " has mode 0755",
                              "error[key-file]: " + (keys / "laptop.k4.secret").string() + " has mode 0640",
                              "warning[config-file]: " + (home_ / "config/redline/config.toml").string() +
                                  " has mode 0644: others can read your profiles; chmod 600",
                              "warning[password-file]: " + (home_ / "pgpass").string() +
                                  " has mode 0644, so libpq "
                                  "ignores it"})
        EXPECT_NE(r.out.find(words), std::string::npos) << words << "\n" << r.out;
    struct stat st {};
    ASSERT_EQ(::stat(keys.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0755u) << "doctor only looks";
}

TEST_F(DoctorCommand, AnUnreadableConfigIsAnError)
{
    fs::create_directories(home_ / "config/redline");
    std::ofstream(home_ / "config/redline/config.toml") << "[profiles.x]\nenvironment = \"moon\"\n";
    ::chmod((home_ / "config/redline/config.toml").c_str(), 0600);
    auto r = redline({"doctor"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("error[config]: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("unknown environment \"moon\""), std::string::npos) << r.out;
}

} // namespace
