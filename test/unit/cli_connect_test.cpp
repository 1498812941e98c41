// Runs `redline connect` as a user would, without a server: its help, and everything it
// refuses before psql starts, with the documented exit code and one line on stderr. The
// session itself is driven in a real terminal against a real server by the TAP tests.
#include "cli_home.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace {

class ConnectCommand : public redline::test::CliHome {
protected:
    void TearDown() override
    {
        ::unsetenv("PG_BIN");
        CliHome::TearDown();
    }
};

TEST_F(ConnectCommand, HelpTeachesItAndDocumentsTheExitCodes)
{
    auto top = redline({"--help"});
    EXPECT_NE(top.out.find("  connect "), std::string::npos) << top.out;
    auto r = redline({"connect", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char *words :
         {"Usage: redline connect [OPTIONS] PROFILE [PSQL_ARGS...]", "--write", "--no-color", "--ttl", "--auth",
          "PGOPTIONS", "AUTOCOMMIT off", "NO_COLOR", "OSC 11", "Exit status: psql's own once it has started", "1 error",
          "2 auth method not available", "3 the server's environment is not", "4 the person check"})
        EXPECT_NE(r.out.find(words), std::string::npos) << words << "\n" << r.out;
}

TEST_F(ConnectCommand, UnknownProfile)
{
    expect_refused(redline({"connect", "nope"}), 1, "no profile \"nope\": see redline profile list");
}

TEST_F(ConnectCommand, NoServerNoPsql)
{
    add_profile("prod", "production", "typed");
    expect_refused(redline({"connect", "prod"}), 1, "cannot connect with profile \"prod\"");
}

TEST_F(ConnectCommand, PsqlIsLookedForBeforeTheServerIsAsked)
{
    add_profile("prod", "production", "typed");
    ::setenv("PG_BIN", (home_ / "no-bin").c_str(), 1);
    expect_refused(redline({"connect", "prod", "--write"}), 1, "there is no psql to run there");
}

TEST_F(ConnectCommand, ABadTtlIsAMistakeOnTheCommandLine)
{
    add_profile("prod", "production", "typed");
    auto r = redline({"connect", "prod", "--ttl", "2d"});
    EXPECT_GE(r.exit_code, 100) << r.err;
    EXPECT_NE(r.err.find("--ttl"), std::string::npos) << r.err;
}

} // namespace
