// Tests the global options of the redline command line as main() parses them, without
// starting a process for each case.
#include "app/app.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

namespace {

using redline::cli::ColorMode;
using redline::cli::GlobalOptions;

GlobalOptions parse(const std::string &command_line)
{
    GlobalOptions options;
    CLI::App app;
    redline::cli::define_app(app, options);
    app.parse(command_line);
    return options;
}

TEST(GlobalOptions, ColourIsAutomaticByDefault) { EXPECT_EQ(parse("").color, ColorMode::automatic); }

TEST(GlobalOptions, ColorTakesAutoAlwaysOrNever)
{
    EXPECT_EQ(parse("--color=auto").color, ColorMode::automatic);
    EXPECT_EQ(parse("--color=always").color, ColorMode::always);
    EXPECT_EQ(parse("--color never").color, ColorMode::never);
}

TEST(GlobalOptions, ColorRefusesOtherValues)
{
    EXPECT_THROW(parse("--color=sometimes"), CLI::ParseError);
    EXPECT_THROW(parse("--color=1"), CLI::ParseError);
    EXPECT_THROW(parse("--color"), CLI::ParseError);
}

TEST(GlobalOptions, VerboseIsOffUnlessAsked)
{
    EXPECT_FALSE(parse("").verbose);
    EXPECT_TRUE(parse("--verbose").verbose);
    EXPECT_TRUE(parse("-v").verbose);
}

TEST(GlobalOptions, GlobalOptionsAlsoFollowASubcommand)
{
    GlobalOptions options;
    CLI::App app;
    redline::cli::define_app(app, options);
    std::string profile;
    app.add_subcommand("status")->add_option("PROFILE", profile);
    app.parse(std::string("status prod --verbose --color=never"));
    EXPECT_EQ(profile, "prod");
    EXPECT_TRUE(options.verbose);
    EXPECT_EQ(options.color, ColorMode::never);
}

TEST(GlobalOptions, ColorAlwaysGivesAColouredPalette)
{
    EXPECT_TRUE(redline::cli::palette_for(parse("--color=always").color).enabled);
    EXPECT_FALSE(redline::cli::palette_for(parse("--color=never").color).enabled);
}

TEST(GlobalOptions, DescriptionSaysWhatRedlineIs)
{
    GlobalOptions options;
    CLI::App app;
    redline::cli::define_app(app, options);
    EXPECT_EQ(app.get_name(), "redline");
    EXPECT_EQ(app.get_description(), "redline: production PostgreSQL, safe from human error by default");
}

} // namespace
