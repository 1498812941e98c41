// psql's place as a child: its exit status passed through, 128 + a signal that ended it,
// Ctrl-C ignored by the parent, SIGTERM passed on, the environment given and then wiped.
#include "terminal/child_process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using redline::cli::run_child;
using redline::cli::SignalShield;

int shell(const std::string &script, std::vector<std::string> environment = {"PATH=/usr/bin:/bin"})
{
    SignalShield shield;
    return run_child("/bin/sh", {"sh", "-c", script}, environment);
}

TEST(RunChild, ItsExitStatusPassesThrough)
{
    EXPECT_EQ(shell("exit 0"), 0);
    EXPECT_EQ(shell("exit 3"), 3);
}

TEST(RunChild, ASignalThatEndsItIs128Plus)
{
    EXPECT_EQ(shell("kill -KILL $$"), 128 + SIGKILL);
    EXPECT_EQ(shell("kill -TERM $$"), 128 + SIGTERM);
}

TEST(RunChild, TheParentIgnoresCtrlC)
{
    // The terminal sends SIGINT and SIGQUIT to the whole process group: psql's to handle.
    EXPECT_EQ(shell("kill -INT $PPID; kill -QUIT $PPID; sleep 0.2; exit 5"), 5);
}

TEST(RunChild, SigtermToTheParentIsPassedOn)
{
    EXPECT_EQ(shell("kill -TERM $PPID; exec sleep 10"), 128 + SIGTERM);
    EXPECT_EQ(shell("kill -HUP $PPID; exec sleep 10"), 128 + SIGHUP);
}

TEST(RunChild, TheParentsHandlersComeBack)
{
    shell("exit 0");
    struct sigaction action {};
    sigaction(SIGINT, nullptr, &action);
    EXPECT_EQ(action.sa_handler, SIG_DFL);
    sigaction(SIGTERM, nullptr, &action);
    EXPECT_EQ(action.sa_handler, SIG_DFL);
    sigset_t mask;
    sigprocmask(SIG_BLOCK, nullptr, &mask);
    EXPECT_FALSE(sigismember(&mask, SIGTERM));
}

TEST(RunChild, TheChildGetsDefaultSignalHandling)
{
    // SIGINT ignored in the parent must not stay ignored in psql.
    EXPECT_EQ(shell("kill -INT $$; exit 0"), 128 + SIGINT);
}

TEST(RunChild, ItsEnvironmentIsExactlyTheOneGivenAndWipedAfterwards)
{
    std::vector<std::string> environment{"PGOPTIONS=-c redline.session_token=secret"};
    {
        SignalShield shield;
        EXPECT_EQ(
            run_child("/bin/sh",
                      {"sh", "-c", "test \"$PGOPTIONS\" = '-c redline.session_token=secret' && test -z \"$HOME\""},
                      environment),
            0);
    }
    for (const std::string &entry : environment)
        EXPECT_EQ(entry.find("secret"), std::string::npos);
}

TEST(RunChild, AProgramThatCannotStartIsAnError)
{
    SignalShield shield;
    std::vector<std::string> environment;
    EXPECT_THROW(run_child("/nonexistent/psql", {"psql"}, environment), std::runtime_error);
}

} // namespace
