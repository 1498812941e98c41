// Runs `redline enroll` as a user would, without a server: the printed statement carries the
// public half of the profile's key (the one keygen printed), never the secret, and everything
// that can be refused before connecting is, with its exit code and what to do. Enrolling on a
// real server is covered by test/t/007_enroll_status_doctor.pl.
#include "run_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using redline::test::ProcessResult;
using redline::test::run_process;

constexpr const char *nowhere = "host=/nonexistent/redline-test port=1 connect_timeout=2 user=alice dbname=app";

class EnrollCommand : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-enroll-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        home_ = tmpl;
        ::setenv("XDG_CONFIG_HOME", (home_ / "config").c_str(), 1);
    }
    void TearDown() override
    {
        ::unsetenv("XDG_CONFIG_HOME");
        fs::remove_all(home_);
    }
    static ProcessResult redline(std::vector<std::string> args)
    {
        args.insert(args.begin(), REDLINE_BINARY);
        return run_process(args);
    }
    // The k4.public keygen printed for a new key with this label.
    static std::string keygen(const std::string &label)
    {
        auto r = redline({"keygen", "--label", label});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out.substr(0, r.out.find('\n'));
    }
    static void add_profile(const std::string &name, const std::vector<std::string> &extra = {})
    {
        std::vector<std::string> args{"profile", "add",        name,     "--dsn", nowhere,
                                      "--env",   "production", "--auth", "typed"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = redline(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    fs::path key_path(const std::string &label) const { return home_ / "config/redline/keys" / (label + ".k4.secret"); }

    fs::path home_;
};

TEST_F(EnrollCommand, HelpExplainsItAndDocumentsTheExitCodes)
{
    auto top = redline({"--help"});
    EXPECT_NE(top.out.find("  enroll "), std::string::npos) << top.out;
    EXPECT_NE(top.out.find("--verbose"), std::string::npos) << top.out;
    auto r = redline({"enroll", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char *words : {"Usage: redline enroll [OPTIONS] PROFILE", "--role", "--key", "--label", "--execute",
                              "redline_admin", "Only the public half", "Exit status: 0 printed or enrolled; 1 error",
                              "3 the server's environment is not the profile's", "5 the server refused the enrolment"})
        EXPECT_NE(r.out.find(words), std::string::npos) << words << "\n" << r.out;
}

TEST_F(EnrollCommand, PrintsTheStatementForTheProfilesKey)
{
    std::string public_key = keygen("laptop");
    add_profile("prod");
    auto r = redline({"enroll", "prod", "--role", "alice"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "SELECT redline.enroll_key('alice', '" + public_key + "', 'laptop');\n");
    EXPECT_NE(r.err.find("send this statement to a redline_admin of prod (production)"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("k4.secret"), std::string::npos);
    EXPECT_EQ(r.err.find("k4.secret."), std::string::npos);
}

TEST_F(EnrollCommand, KeyAndLabelCanBeChosen)
{
    keygen("laptop");
    std::string phone = keygen("phone");
    add_profile("prod", {"--key", key_path("laptop").string()});
    auto r =
        redline({"enroll", "prod", "--role", "o'brien", "--key", key_path("phone").string(), "--label", "Bob's phone"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "SELECT redline.enroll_key('o''brien', '" + phone + "', 'Bob''s phone');\n");
}

TEST_F(EnrollCommand, VerboseNamesTheKey)
{
    keygen("laptop");
    add_profile("prod");
    auto r = redline({"enroll", "prod", "--role", "alice", "--verbose"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("redline: signing key " + key_path("laptop").string() + " (key id k4.pid."), std::string::npos)
        << r.err;
}

TEST_F(EnrollCommand, RefusalsBeforeConnecting)
{
    auto none = redline({"enroll", "nope", "--role", "alice"});
    EXPECT_EQ(none.exit_code, 1);
    EXPECT_NE(none.err.find("no profile \"nope\""), std::string::npos) << none.err;

    add_profile("prod");
    auto no_key = redline({"enroll", "prod", "--role", "alice"});
    EXPECT_EQ(no_key.exit_code, 1);
    EXPECT_NE(no_key.err.find("redline keygen"), std::string::npos) << no_key.err;

    keygen("laptop");
    fs::permissions(key_path("laptop"), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    auto loose = redline({"enroll", "prod", "--role", "alice"});
    EXPECT_EQ(loose.exit_code, 1);
    EXPECT_NE(loose.err.find("chmod 600"), std::string::npos) << loose.err;
    EXPECT_EQ(loose.out, "");
    fs::permissions(key_path("laptop"), fs::perms::owner_read | fs::perms::owner_write);

    auto long_label = redline({"enroll", "prod", "--role", "alice", "--label", std::string(121, 'x')});
    EXPECT_EQ(long_label.exit_code, 1);
    EXPECT_NE(long_label.err.find("choose a shorter --label"), std::string::npos) << long_label.err;

    auto no_role = redline({"enroll", "prod"});
    EXPECT_GE(no_role.exit_code, 100);
    EXPECT_NE(no_role.err.find("--role"), std::string::npos) << no_role.err;
}

TEST_F(EnrollCommand, ExecuteNeedsTheServer)
{
    keygen("laptop");
    add_profile("prod");
    auto r = redline({"enroll", "prod", "--role", "alice", "--execute"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("cannot connect with profile \"prod\""), std::string::npos) << r.err;
}

} // namespace
