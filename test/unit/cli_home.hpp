// A private $XDG_CONFIG_HOME for the tests that run the redline binary as a user would, and
// what they share: running it, adding a profile, making a key, checking a one-line refusal.
#pragma once

#include "run_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace redline::test {

// A server that is not there: a connection attempt fails at once, and says so.
inline constexpr const char *nowhere = "host=/nonexistent/redline-test port=1 connect_timeout=2 user=alice dbname=app";

class CliHome : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-cli-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        home_ = tmpl;
        ::setenv("XDG_CONFIG_HOME", (home_ / "config").c_str(), 1);
    }
    void TearDown() override
    {
        ::unsetenv("XDG_CONFIG_HOME");
        std::filesystem::remove_all(home_);
    }
    static ProcessResult redline(std::vector<std::string> args)
    {
        args.insert(args.begin(), REDLINE_BINARY);
        return run_process(args);
    }
    // A profile for the server that is not there.
    static void add_profile(const std::string &name, const std::string &env, const std::string &auth)
    {
        auto r = redline({"profile", "add", name, "--dsn", nowhere, "--env", env, "--auth", auth});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    static void keygen() { ASSERT_EQ(redline({"keygen", "--label", "laptop"}).exit_code, 0); }
    // Exit `code`, nothing on stdout, and one line on stderr that starts with "redline: "
    // and says `words`.
    static void expect_refused(const ProcessResult &r, int code, const std::string &words)
    {
        EXPECT_EQ(r.exit_code, code) << r.err;
        EXPECT_EQ(r.out, "") << "a refusal prints nothing on stdout";
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_EQ(r.err.rfind("redline: ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    }

    std::filesystem::path home_;
};

} // namespace redline::test
