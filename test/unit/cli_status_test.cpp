// Runs `redline status` as a user would, without a server: its help, and the failures that
// come before or instead of an answer. The answers themselves (locked, exempt, another
// environment, no extension) are covered by test/t/007_enroll_status_doctor.pl.
#include "run_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using redline::test::ProcessResult;
using redline::test::run_process;

class StatusCommand : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-status-test.XXXXXX";
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

    fs::path home_;
};

TEST_F(StatusCommand, HelpExplainsItAndDocumentsTheExitCodes)
{
    auto r = redline({"status", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char *words :
         {"Usage: redline status [OPTIONS] PROFILE", "--json", "redline.status()", "presents no token",
          "CREATE EXTENSION", "Exit status: 0 shown; 1 error", "3 the server's environment is not the profile's"})
        EXPECT_NE(r.out.find(words), std::string::npos) << words << "\n" << r.out;
}

TEST_F(StatusCommand, UnknownProfile)
{
    auto r = redline({"status", "nope"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("no profile \"nope\": see redline profile list"), std::string::npos) << r.err;
}

TEST_F(StatusCommand, UnreachableServerIsOneLine)
{
    auto add = redline({"profile", "add", "stage", "--dsn",
                        "host=/nonexistent/redline-test port=1 connect_timeout=2 dbname=app", "--env", "staging",
                        "--auth", "none"});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    auto r = redline({"status", "stage", "--verbose"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("redline: connecting with profile stage (host=/nonexistent"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cannot connect with profile \"stage\""), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
}

} // namespace
