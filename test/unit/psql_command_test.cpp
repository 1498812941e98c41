// The psql that redline connect starts: its arguments (AUTOCOMMIT off only in production,
// the prompts, what follows "--"), where the token goes (PGOPTIONS, never argv), and how
// psql is found.
#include "terminal/psql_command.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

using redline::Environment;
using namespace redline::cli;
namespace fs = std::filesystem;

constexpr const char *token = "v4.public.eyJzdWIiOiJhbGljZSJ9.sig";

PaintPlan plan(Environment env, bool colors = true)
{
    PaintRequest request;
    request.environment = env;
    request.profile = "p";
    request.colors = colors;
    return plan_paint(request);
}

bool contains(const std::vector<std::string> &argv, const std::string &arg)
{
    return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

TEST(PsqlArguments, ProductionTurnsAutocommitOffAndSetsBothPrompts)
{
    PaintPlan p = plan(Environment::production);
    auto argv = psql_arguments("/usr/bin/psql", "service=prod", p, {});
    std::vector<std::string> expected{
        "/usr/bin/psql",       "--dbname=service=prod", "-v", "AUTOCOMMIT=off", "-v", "PROMPT1=" + p.prompt1, "-v",
        "PROMPT2=" + p.prompt2};
    EXPECT_EQ(argv, expected);
}

TEST(PsqlArguments, AutocommitStaysOnElsewhere)
{
    for (Environment env : {Environment::staging, Environment::development, Environment::local}) {
        auto argv = psql_arguments("psql", "host=h dbname=d", plan(env), {});
        EXPECT_FALSE(contains(argv, "AUTOCOMMIT=off")) << static_cast<int>(env);
    }
}

TEST(PsqlArguments, LocalKeepsPsqlsOwnPrompt)
{
    auto argv = psql_arguments("psql", "host=h dbname=d", plan(Environment::local), {});
    EXPECT_EQ(argv, (std::vector<std::string>{"psql", "--dbname=host=h dbname=d"}));
}

TEST(PsqlArguments, WhatFollowsTheSeparatorComesLastAndUnchanged)
{
    auto argv = psql_arguments("psql", "service=s", plan(Environment::staging), {"-c", "SELECT 1;", "-X"});
    ASSERT_GE(argv.size(), 3u);
    EXPECT_EQ(std::vector<std::string>(argv.end() - 3, argv.end()),
              (std::vector<std::string>{"-c", "SELECT 1;", "-X"}));
}

TEST(PsqlArguments, NoTokenOnTheCommandLine)
{
    // The token only ever reaches PGOPTIONS; nothing that builds argv takes it.
    std::string options = pgoptions_with_token(nullptr, token);
    auto argv = psql_arguments("psql", "service=prod", plan(Environment::production), {});
    for (const std::string &arg : argv)
        EXPECT_EQ(arg.find("v4.public"), std::string::npos) << arg;
    EXPECT_NE(options.find(token), std::string::npos);
}

TEST(Pgoptions, TheTokenIsAppendedToTheUsersOptions)
{
    EXPECT_EQ(pgoptions_with_token(nullptr, token), std::string("-c redline.session_token=") + token);
    EXPECT_EQ(pgoptions_with_token("", token), std::string("-c redline.session_token=") + token);
    EXPECT_EQ(pgoptions_with_token("-c search_path=app", token),
              std::string("-c search_path=app -c redline.session_token=") + token);
}

TEST(Pgoptions, TheChildsEnvironmentHasExactlyOnePgoptions)
{
    const char *environment[] = {"HOME=/home/a", "PGOPTIONS=-c work_mem=64MB", "PGOPTIONS_NOT=x", "TERM=xterm",
                                 nullptr};
    auto out = with_pgoptions(environment, "-c work_mem=64MB -c redline.session_token=t");
    EXPECT_EQ(out, (std::vector<std::string>{"HOME=/home/a", "PGOPTIONS_NOT=x", "TERM=xterm",
                                             "PGOPTIONS=-c work_mem=64MB -c redline.session_token=t"}));
}

class FindPsql : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-psql-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        fs::create_directories(dir_ / "a");
        fs::create_directories(dir_ / "b");
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path program(const fs::path &where, mode_t mode = 0755)
    {
        fs::path file = where / "psql";
        std::ofstream(file) << "#!/bin/sh\n";
        ::chmod(file.c_str(), mode);
        return file;
    }
    fs::path dir_;
};

TEST_F(FindPsql, PgBinWins)
{
    program(dir_ / "a");
    fs::path b = program(dir_ / "b");
    std::string path = (dir_ / "a").string();
    EXPECT_EQ(find_psql((dir_ / "b").c_str(), path.c_str()), b.string());
}

TEST_F(FindPsql, PgBinWithoutPsqlSaysSo)
{
    try {
        find_psql((dir_ / "a").c_str(), "/usr/bin");
        FAIL() << "no psql in PG_BIN";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find("PG_BIN is " + (dir_ / "a").string()), std::string::npos) << e.what();
    }
}

TEST_F(FindPsql, TheFirstExecutableOnPath)
{
    program(dir_ / "a", 0644);
    fs::path b = program(dir_ / "b");
    std::string path = (dir_ / "a").string() + ":" + (dir_ / "b").string();
    EXPECT_EQ(find_psql(nullptr, path.c_str()), b.string());
    EXPECT_EQ(find_psql("", path.c_str()), b.string());
}

TEST_F(FindPsql, NoneOnPathSaysHowToGetOne)
{
    std::string path = (dir_ / "a").string();
    try {
        find_psql(nullptr, path.c_str());
        FAIL() << "no psql on PATH";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find("psql is not on PATH"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("PG_BIN"), std::string::npos) << e.what();
    }
}

} // namespace
