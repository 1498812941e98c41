// Tests when the CLI colours its output (--color, NO_COLOR, TERM=dumb, a terminal or not)
// and which colour each environment is painted with.
#include "terminal/palette.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace {

using redline::Environment;
using redline::cli::ColorMode;
using redline::cli::Palette;
using redline::cli::use_color;

// Sets or unsets an environment variable for one test and puts the old value back.
class ScopedEnv {
public:
    ScopedEnv(const char *name, const char *value) : name_(name)
    {
        if (const char *old = std::getenv(name))
            old_ = old;
        if (value != nullptr)
            setenv(name, value, 1);
        else
            unsetenv(name);
    }
    ~ScopedEnv()
    {
        if (old_)
            setenv(name_, old_->c_str(), 1);
        else
            unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv &) = delete;
    ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
    const char *name_;
    std::optional<std::string> old_;
};

std::string painted(const fmt::text_style &style) { return fmt::format(style, "x"); }

TEST(UseColor, AutomaticColoursOnlyATerminal)
{
    EXPECT_TRUE(use_color(ColorMode::automatic, true, nullptr, "xterm-256color"));
    EXPECT_FALSE(use_color(ColorMode::automatic, false, nullptr, "xterm-256color"));
}

TEST(UseColor, NoColorDisablesAutomatic)
{
    EXPECT_FALSE(use_color(ColorMode::automatic, true, "1", "xterm"));
    EXPECT_FALSE(use_color(ColorMode::automatic, true, "0", "xterm")); // any non-empty value counts
}

TEST(UseColor, EmptyNoColorIsIgnored) { EXPECT_TRUE(use_color(ColorMode::automatic, true, "", "xterm")); }

TEST(UseColor, DumbTerminalGetsNoColour) { EXPECT_FALSE(use_color(ColorMode::automatic, true, nullptr, "dumb")); }

TEST(UseColor, UnsetTermStillColoursATerminal) { EXPECT_TRUE(use_color(ColorMode::automatic, true, nullptr, nullptr)); }

// An explicit --color=always is the user overriding their NO_COLOR for one run.
TEST(UseColor, AlwaysForcesColourOverEverything) { EXPECT_TRUE(use_color(ColorMode::always, false, "1", "dumb")); }

TEST(UseColor, NeverDisablesColourOnATerminal) { EXPECT_FALSE(use_color(ColorMode::never, true, nullptr, "xterm")); }

// The test runner's stdout is a file or a pipe, so automatic is off here whatever the host.
TEST(PaletteFor, ReadsNoColorFromTheEnvironment)
{
    ScopedEnv no_color("NO_COLOR", "1");
    EXPECT_FALSE(redline::cli::palette_for(ColorMode::automatic).enabled);
    EXPECT_TRUE(redline::cli::palette_for(ColorMode::always).enabled);
    EXPECT_FALSE(redline::cli::palette_for(ColorMode::never).enabled);
}

TEST(PaletteFor, AlwaysForcesColourEvenOnADumbTerminal)
{
    ScopedEnv no_color("NO_COLOR", nullptr);
    ScopedEnv term("TERM", "dumb");
    auto p = redline::cli::palette_for(ColorMode::always);
    EXPECT_TRUE(p.enabled);
    EXPECT_NE(painted(p.danger), "x");
}

TEST(Palette, PlainWritesNoEscapeSequences)
{
    auto p = Palette::plain();
    EXPECT_FALSE(p.enabled);
    for (const auto &style : {p.danger, p.warning, p.ok, p.muted})
        EXPECT_EQ(painted(style), "x");
    EXPECT_EQ(painted(p.environment(Environment::production)), "x");
    EXPECT_EQ(painted(p.paint("#ff0000")), "x");
}

TEST(Palette, ColoredGivesEachMeaningItsOwnStyle)
{
    auto p = Palette::colored();
    EXPECT_TRUE(p.enabled);
    const std::string danger = painted(p.danger), warning = painted(p.warning), ok = painted(p.ok),
                      muted = painted(p.muted);
    for (const auto &s : {danger, warning, ok, muted})
        EXPECT_EQ(s.rfind("\x1b[", 0), 0u) << s;
    EXPECT_NE(danger, warning);
    EXPECT_NE(danger, ok);
    EXPECT_NE(warning, ok);
    EXPECT_NE(ok, muted);
}

TEST(Palette, EnvironmentsArePaintedWithTheirDefaultColours)
{
    auto p = Palette::colored();
    auto fg = [](const char *name) { return painted(fmt::fg(*redline::cli::color_rgb(name))); };
    EXPECT_EQ(painted(p.environment(Environment::production)), fg("red"));
    EXPECT_EQ(painted(p.environment(Environment::staging)), fg("orange"));
    EXPECT_EQ(painted(p.environment(Environment::development)), fg("green"));
    EXPECT_EQ(painted(p.environment(Environment::local)), "x");
}

TEST(Palette, PaintsAServerChosenHexColour)
{
    EXPECT_EQ(painted(Palette::colored().paint("#0a0B0c")), "\x1b[38;2;010;011;012mx\x1b[0m");
}

TEST(Palette, NoneAndJunkLeaveTheTextAlone)
{
    for (const char *color : {"", "none", "crimson", "#12345"})
        EXPECT_EQ(painted(Palette::colored().paint(color)), "x") << color;
}

TEST(ColorRgb, ProductionRedIsRed)
{
    auto red = redline::cli::color_rgb("red");
    ASSERT_TRUE(red.has_value());
    EXPECT_GT(red->r, 0xb0);
    EXPECT_LT(red->g, 0x40);
    EXPECT_LT(red->b, 0x40);
}

TEST(ColorRgb, ReadsHexDigitsInEitherCase)
{
    auto rgb = redline::cli::color_rgb("#C0ffEE");
    ASSERT_TRUE(rgb.has_value());
    EXPECT_EQ(rgb->r, 0xc0);
    EXPECT_EQ(rgb->g, 0xff);
    EXPECT_EQ(rgb->b, 0xee);
}

// The server accepts these names in redline.color, so the CLI must be able to show each.
TEST(ColorRgb, KnowsEveryColourNameTheServerAccepts)
{
    for (const char *name : {"red", "orange", "yellow", "green", "blue", "purple", "gray"}) {
        EXPECT_TRUE(redline::valid_color(name)) << name;
        EXPECT_TRUE(redline::cli::color_rgb(name).has_value()) << name;
    }
}

TEST(ColorRgb, RefusesWhatTheServerRefuses)
{
    for (const char *junk : {"#", "#12345", "#1234567", "#12345g", "magenta", "red "})
        EXPECT_FALSE(redline::cli::color_rgb(junk).has_value()) << junk;
}

} // namespace
