// Runs the built redline binary as a user would: its version, its help and its refusal of
// an unknown option, checking exit codes and exactly what reaches stdout and stderr.
#include "run_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <string>

namespace {

using redline::test::run_process;

// Read here independently of the build, so a build that passed the wrong version fails.
std::string control_file_version()
{
    std::ifstream control(REDLINE_CONTROL_FILE);
    const std::regex line(R"(^default_version\s*=\s*'([^']+)'\s*$)");
    std::string text;
    std::smatch match;
    while (std::getline(control, text))
        if (std::regex_match(text, match, line))
            return match[1];
    ADD_FAILURE() << "no default_version in " << REDLINE_CONTROL_FILE;
    return {};
}

long line_count(const std::string &text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(RedlineBinary, VersionComesFromTheControlFile)
{
    auto r = run_process({REDLINE_BINARY, "--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "redline " + control_file_version() + "\n");
    EXPECT_EQ(r.err, "");
}

TEST(RedlineBinary, ShortVersionFlagMatchesTheLongOne)
{
    EXPECT_EQ(run_process({REDLINE_BINARY, "-V"}).out, run_process({REDLINE_BINARY, "--version"}).out);
}

TEST(RedlineBinary, HelpDescribesRedlineAndItsOptions)
{
    auto r = run_process({REDLINE_BINARY, "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out.rfind("redline: production PostgreSQL, safe from human error by default\n", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("Usage: redline [OPTIONS]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--color"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--version"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Usage: redline [OPTIONS] [SUBCOMMAND]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  keygen "), std::string::npos) << r.out;
}

TEST(RedlineBinary, WithoutArgumentsShowsTheHelp)
{
    auto r = run_process({REDLINE_BINARY});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, run_process({REDLINE_BINARY, "--help"}).out);
}

TEST(RedlineBinary, UnknownOptionFailsWithOneLine)
{
    auto r = run_process({REDLINE_BINARY, "--frobnicate"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("redline: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("--frobnicate"), std::string::npos) << r.err;
}

TEST(RedlineBinary, BadColorValueFailsWithOneLine)
{
    auto r = run_process({REDLINE_BINARY, "--color=sometimes"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("sometimes"), std::string::npos) << r.err;
}

TEST(RedlineBinary, ColorOptionCombinesWithVersion)
{
    auto r = run_process({REDLINE_BINARY, "--color=never", "--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "redline " + control_file_version() + "\n");
}

} // namespace
