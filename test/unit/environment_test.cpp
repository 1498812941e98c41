// Tests the environment table shared by the extension and the CLI: names, the defaults
// each environment turns on, and which colours redline.color accepts.
#include "environment.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using redline::Environment;

constexpr Environment all_environments[] = {Environment::production, Environment::staging, Environment::development,
                                            Environment::local};

TEST(Environment, NamesAreTheSettingValues)
{
    EXPECT_STREQ(redline::environment_name(Environment::production), "production");
    EXPECT_STREQ(redline::environment_name(Environment::staging), "staging");
    EXPECT_STREQ(redline::environment_name(Environment::development), "development");
    EXPECT_STREQ(redline::environment_name(Environment::local), "local");
}

TEST(Environment, NameParsesBackToTheSameEnvironment)
{
    for (Environment env : all_environments) {
        auto parsed = redline::parse_environment(redline::environment_name(env));
        ASSERT_TRUE(parsed.has_value()) << redline::environment_name(env);
        EXPECT_EQ(*parsed, env);
    }
}

TEST(Environment, UnknownNamesDoNotParse)
{
    for (const char *name : {"", "prod", "dev", "production ", "testing"})
        EXPECT_FALSE(redline::parse_environment(name).has_value()) << '"' << name << '"';
}

// Production is what a server gets when nobody set redline.environment, so it must guard
// the most; local is a developer's own machine and guards nothing.
TEST(Environment, DefaultsPerEnvironment)
{
    struct Expected {
        Environment env;
        bool require_where;
        int max_rows;
        const char *color;
    };
    const Expected table[] = {
        {Environment::production, true, 1000, "red"},
        {Environment::staging, true, 10000, "orange"},
        {Environment::development, true, 0, "green"},
        {Environment::local, false, 0, ""},
    };
    for (const auto &e : table) {
        SCOPED_TRACE(redline::environment_name(e.env));
        auto d = redline::environment_defaults(e.env);
        EXPECT_EQ(d.require_where, e.require_where);
        EXPECT_EQ(d.max_rows, e.max_rows);
        EXPECT_STREQ(d.color, e.color);
    }
}

TEST(Environment, EveryDefaultColourIsValid)
{
    for (Environment env : all_environments)
        EXPECT_TRUE(redline::valid_color(redline::environment_defaults(env).color)) << redline::environment_name(env);
}

TEST(ValidColor, AcceptsPaletteNames)
{
    for (const char *name : {"red", "orange", "yellow", "green", "blue", "purple", "gray", "none"})
        EXPECT_TRUE(redline::valid_color(name)) << name;
}

TEST(ValidColor, AcceptsEmptyAsDerivedFromTheEnvironment) { EXPECT_TRUE(redline::valid_color("")); }

TEST(ValidColor, AcceptsHexInEitherCase)
{
    for (const char *hex : {"#000000", "#ffffff", "#C0FFEE", "#12aB9f"})
        EXPECT_TRUE(redline::valid_color(hex)) << hex;
}

TEST(ValidColor, RejectsJunk)
{
    for (const char *junk : {"#", "#12345", "#1234567", "#12345g", "123456", "##12345", "#12 456", "magenta", "red ",
                             " red", "redd", "none;", "red\n"})
        EXPECT_FALSE(redline::valid_color(junk)) << '"' << junk << '"';
}

} // namespace
