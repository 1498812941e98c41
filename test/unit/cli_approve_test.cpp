// Runs `redline approve` and `redline request` as a user would, without a server: what can
// be refused before connecting is, with its documented exit code and one line on stderr.
// Approving and requesting against a running server are covered by the end-to-end tests.
#include "cli_home.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

class ApproveCommand : public redline::test::CliHome {
protected:
    void SetUp() override
    {
        CliHome::SetUp();
        keygen();
        add_profile("stage", "staging", "none");
    }
};

TEST_F(ApproveCommand, HelpDocumentsUsageAndExitCodes)
{
    auto top = redline({"--help"});
    EXPECT_NE(top.out.find("  approve "), std::string::npos) << top.out;
    EXPECT_NE(top.out.find("  request "), std::string::npos) << top.out;
    auto approve = redline({"approve", "--help"});
    EXPECT_EQ(approve.exit_code, 0);
    for (const char *words : {"redline approve [OPTIONS] PROFILE", "--op", "--object", "--for", "--ttl", "--sql",
                              "--auth", "Exit status: 0 approval printed", "3 the server's", "4 the person check"})
        EXPECT_NE(approve.out.find(words), std::string::npos) << words << "\n" << approve.out;
    auto request = redline({"request", "--help"});
    EXPECT_EQ(request.exit_code, 0);
    for (const char *words : {"redline request [OPTIONS] PROFILE", "-c,--command", "-f,--file", "--for", "--token",
                              "rolled back", "Exit status: 0 listed"})
        EXPECT_NE(request.out.find(words), std::string::npos) << words << "\n" << request.out;
}

TEST_F(ApproveCommand, MistakesOnTheCommandLine)
{
    for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {"approve", "stage", "--op", "drop_everything", "--object", "public.orders", "--for", "alice"},
             {"approve", "stage", "--object", "public.orders", "--for", "alice"},
             {"approve", "stage", "--op", "drop_table", "--for", "alice"},
             {"approve", "stage", "--op", "drop_table", "--object", "public.orders"},
             {"approve", "stage", "--op", "drop_table", "--object", "public.orders", "--for", "alice", "--ttl", "25h"},
             {"request", "stage"},
             {"request", "stage", "-c", "DROP TABLE a", "-f", "x.sql"},
         }) {
        auto r = redline(args);
        EXPECT_GE(r.exit_code, 100) << args[0] << " " << args[2] << ": " << r.err;
        EXPECT_EQ(r.out, "");
    }
    EXPECT_NE(redline({"approve", "stage", "--op", "drop", "--object", "x", "--for", "a"})
                  .err.find("is not an operation redline approves: use one of drop_table"),
              std::string::npos);
}

TEST_F(ApproveCommand, ATableWithoutItsSchemaIsRefusedBeforeConnecting)
{
    expect_refused(redline({"approve", "stage", "--op", "drop_table", "--object", "orders", "--for", "alice"}), 1,
                   "--object orders names no schema");
}

TEST_F(ApproveCommand, UnreachableServer)
{
    expect_refused(redline({"approve", "stage", "--op", "drop_table", "--object", "public.orders", "--for", "alice"}),
                   1, "cannot connect with profile \"stage\"");
}

TEST_F(ApproveCommand, RequestRefusesTransactionControlBeforeConnecting)
{
    expect_refused(redline({"request", "stage", "-c", "DROP TABLE a; COMMIT; DROP TABLE b"}), 1,
                   "line 1: COMMIT is transaction control");
    fs::path script = home_ / "migration.sql";
    std::ofstream(script) << "-- cleanup\nDROP TABLE a;\n\\i other.sql\n";
    expect_refused(redline({"request", "stage", "-f", script.string()}), 1, "line 3: \\i is a psql command");
    expect_refused(redline({"request", "stage", "-c", " -- nothing\n"}), 1, "there is no statement to try");
    expect_refused(redline({"request", "stage", "-c", "DROP TABLE a"}), 1, "cannot connect with profile \"stage\"");
}

} // namespace
