// Runs `redline audit` as a user would, without a server: its help, the option mistakes it
// refuses before connecting (each a CLI11 exit code of 100 and above, in one line), and the
// one-line failures that come instead of an answer. Listing, review and verification against
// a real server, tampering included, are test/t/011_audit_cli.pl.
#include "cli_home.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace {

class AuditCommand : public redline::test::CliHome {
protected:
    // A mistake on the command line: exit 100 or above, nothing on stdout, one line naming `words`.
    static void expect_mistake(const std::vector<std::string> &args, const std::string &words)
    {
        auto r = redline(args);
        EXPECT_GE(r.exit_code, 100) << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    }
};

TEST_F(AuditCommand, HelpTeachesItAndDocumentsTheExitCodes)
{
    auto top = redline({"--help"});
    EXPECT_NE(top.out.find("  audit "), std::string::npos) << top.out;
    auto r = redline({"audit", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char *words : {"Usage: redline audit [OPTIONS] PROFILE",
                              "--since",
                              "--role",
                              "--event",
                              "--format",
                              "--tz",
                              "--verify",
                              "--review",
                              "--window",
                              "--bulk",
                              "--burst",
                              "--burst-within",
                              "connect, disconnect, auth_failed, ddl",
                              "redline_auditor",
                              "redline.audit_database",
                              "audit-pins/PROFILE.heads",
                              "Examples:",
                              "redline audit prod --review --window 'Tue-Thu 10:00-16:00",
                              "Exit status: 0 listed, reviewed, or verified "
                              "intact; 1 error",
                              "6 --verify found the log tampered with",
                              "100 and above: a mistake on the command line"})
        EXPECT_NE(r.out.find(words), std::string::npos) << words << "\n" << r.out;
}

TEST_F(AuditCommand, OptionMistakesAreRefusedBeforeConnecting)
{
    add_profile("prod", "production", "typed");
    expect_mistake({"audit", "prod", "--since", "7"}, "\"7\" is not a period");
    expect_mistake({"audit", "prod", "--event", "write,delete"}, "\"delete\" is not an event class");
    expect_mistake({"audit", "prod", "--format", "xml"}, "--format");
    expect_mistake({"audit", "prod", "--review", "--window", "Tue-Thu 10:00"}, "deployment window");
    expect_mistake({"audit", "prod", "--review", "--bulk", "0"}, "\"0\" is not a count");
    expect_mistake({"audit", "prod", "--review", "--burst-within", "10"}, "\"10\" is not a period");
    expect_mistake({"audit", "prod", "--window", "Mon-Fri 09:00-17:00"}, "--window requires --review");
    expect_mistake({"audit", "prod", "--verify", "--review"}, "--verify excludes --review");
    expect_mistake({"audit", "prod", "--verify", "--since", "1d"}, "excludes");
    expect_mistake({"audit", "prod", "--review", "--event", "write"}, "excludes");
    expect_mistake({"audit", "prod", "--verify", "--format", "csv"}, "csv lists rows");
    expect_mistake({"audit", "prod", "--review", "--format", "csv"}, "csv lists rows");
}

TEST_F(AuditCommand, UnknownProfile)
{
    expect_refused(redline({"audit", "nope"}), 1, "no profile \"nope\": see redline profile list");
}

TEST_F(AuditCommand, UnreachableServerIsOneLineAndPinsNothing)
{
    add_profile("prod", "production", "typed");
    expect_refused(redline({"audit", "prod"}), 1, "cannot connect with profile \"prod\"");
    expect_refused(redline({"audit", "prod", "--verify"}), 1, "cannot connect with profile \"prod\"");
    EXPECT_FALSE(std::filesystem::exists(home_ / "config" / "redline" / "audit-pins" / "prod.heads"));
}

} // namespace
