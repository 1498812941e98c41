// What redline connect does to a terminal per environment and colour: the background and
// title sequences, the restore sequences, psql's prompts and AUTOCOMMIT, with and without
// colour; and reading a terminal's answer to the background query.
#include "terminal/paint.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using redline::Environment;
using namespace redline::cli;

PaintPlan plan(Environment env, std::string color = "", bool colors = true, bool terminal = true)
{
    PaintRequest request;
    request.environment = env;
    request.color = std::move(color);
    request.profile = "prod";
    request.colors = colors;
    request.terminal = terminal;
    return plan_paint(request);
}

bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

TEST(PaintPlan, ProductionIsRedTitledPromptedAndWaitsForCommit)
{
    PaintPlan p = plan(Environment::production);
    EXPECT_EQ(paint_sequence(p), "\033[22;0t\033]2;PRODUCTION \u2014 prod\033\\\033]11;rgb:cc/00/00\033\\");
    EXPECT_EQ(p.prompt1, "%[%033[1;97;48;2;204;0;0m%] PRODUCTION %[%033[0m%] %n@%/%R%x%# ");
    EXPECT_EQ(p.prompt2, "%[%033[1;97;48;2;204;0;0m%] PRODUCTION %[%033[0m%] %/%R%x%# ");
    EXPECT_TRUE(p.autocommit_off);
}

TEST(PaintPlan, StagingOrangeDevelopmentGreenBothAutocommit)
{
    PaintPlan staging = plan(Environment::staging);
    EXPECT_TRUE(has(paint_sequence(staging), "\033]11;rgb:ce/5c/00\033\\"));
    EXPECT_TRUE(has(paint_sequence(staging), "\033]2;STAGING \u2014 prod\033\\"));
    EXPECT_TRUE(has(staging.prompt1, " STAGING "));
    EXPECT_FALSE(staging.autocommit_off);
    PaintPlan development = plan(Environment::development);
    EXPECT_TRUE(has(paint_sequence(development), "\033]11;rgb:4e/9a/06\033\\"));
    EXPECT_TRUE(has(development.prompt1, " DEVELOPMENT "));
    EXPECT_FALSE(development.autocommit_off);
}

TEST(PaintPlan, LocalIsLeftAlone)
{
    for (const char *color : {"", "purple"}) {
        PaintPlan p = plan(Environment::local, color);
        EXPECT_EQ(paint_sequence(p), "");
        EXPECT_EQ(restore_sequence(p, std::nullopt), "");
        EXPECT_EQ(p.prompt1, "");
        EXPECT_EQ(p.prompt2, "");
        EXPECT_FALSE(p.autocommit_off);
    }
}

TEST(PaintPlan, TheServersColourWinsNamedOrHex)
{
    PaintPlan hex = plan(Environment::production, "#1a2B3c");
    EXPECT_TRUE(has(paint_sequence(hex), "\033]11;rgb:1a/2b/3c\033\\"));
    EXPECT_TRUE(has(hex.prompt1, "48;2;26;43;60m"));
    PaintPlan named = plan(Environment::staging, "purple");
    EXPECT_TRUE(has(paint_sequence(named), "\033]11;rgb:75/50/7b\033\\"));
}

TEST(PaintPlan, ColourNoneKeepsTheWords)
{
    PaintPlan p = plan(Environment::production, "none");
    EXPECT_EQ(paint_sequence(p), "\033[22;0t\033]2;PRODUCTION \u2014 prod\033\\");
    EXPECT_EQ(p.prompt1, "[PRODUCTION] %n@%/%R%x%# ");
    EXPECT_TRUE(p.autocommit_off);
}

TEST(PaintPlan, WithoutColoursNoBackgroundButTheWordsStay)
{
    PaintPlan p = plan(Environment::production, "#ff0000", false);
    EXPECT_FALSE(p.background);
    std::string paint = paint_sequence(p);
    EXPECT_FALSE(has(paint, "\033]11;"));
    EXPECT_TRUE(has(paint, "\033]2;PRODUCTION \u2014 prod\033\\"));
    EXPECT_EQ(p.prompt1, "[PRODUCTION] %n@%/%R%x%# ");
    EXPECT_EQ(p.prompt2, "[PRODUCTION] %/%R%x%# ");
    EXPECT_FALSE(has(p.prompt1, "%033"));
    EXPECT_TRUE(p.autocommit_off);
    std::string restore = restore_sequence(p, std::nullopt);
    EXPECT_FALSE(has(restore, "\033]111")) << "a background never painted is not reset";
    EXPECT_TRUE(has(restore, "\033]2;\033\\"));
}

TEST(PaintPlan, NotATerminalNothingIsWrittenToIt)
{
    PaintPlan p = plan(Environment::production, "", true, false);
    EXPECT_EQ(paint_sequence(p), "");
    EXPECT_EQ(restore_sequence(p, std::nullopt), "");
    EXPECT_TRUE(has(p.prompt1, "PRODUCTION"));
    EXPECT_TRUE(p.autocommit_off);
}

TEST(PaintPlan, EveryEscapeInAPromptIsEnclosedForReadline)
{
    for (Environment env : {Environment::production, Environment::staging, Environment::development}) {
        PaintPlan p = plan(env);
        for (const std::string &prompt : {p.prompt1, p.prompt2}) {
            std::size_t at = 0;
            int escapes = 0;
            while ((at = prompt.find("%033", at)) != std::string::npos) {
                std::size_t open = prompt.rfind("%[", at);
                std::size_t close = prompt.rfind("%]", at);
                EXPECT_NE(open, std::string::npos) << prompt;
                EXPECT_TRUE(close == std::string::npos || close < open) << prompt;
                ++escapes;
                ++at;
            }
            EXPECT_EQ(escapes, 2) << prompt;
            EXPECT_EQ(prompt.find('\033'), std::string::npos) << "octal escapes only: " << prompt;
        }
    }
}

TEST(RestoreSequence, TheQueriedBackgroundComesBack)
{
    PaintPlan p = plan(Environment::production);
    EXPECT_EQ(restore_sequence(p, std::string("rgb:1e1e/1e1e/1e1e")),
              "\033]11;rgb:1e1e/1e1e/1e1e\033\\\033]2;\033\\\033[23;0t");
}

TEST(RestoreSequence, ATerminalThatDidNotAnswerIsReset)
{
    PaintPlan p = plan(Environment::staging);
    EXPECT_EQ(restore_sequence(p, std::nullopt), "\033]111\033\\\033]2;\033\\\033[23;0t");
}

TEST(BackgroundReply, EndedByStOrBel)
{
    EXPECT_EQ(background_reply("\033]11;rgb:0000/0000/0000\033\\\033[?1;2c"), "rgb:0000/0000/0000");
    EXPECT_EQ(background_reply("\033]11;rgb:ff/fe/fd\a"), "rgb:ff/fe/fd");
    EXPECT_EQ(background_reply("typed\033]11;rgb:f/e/d\a"), "rgb:f/e/d");
}

TEST(BackgroundReply, OnlyAColourIsWrittenBack)
{
    EXPECT_EQ(background_reply(""), std::nullopt);
    EXPECT_EQ(background_reply("\033[?1;2c"), std::nullopt);
    EXPECT_EQ(background_reply("\033]11;rgb:00/00/00"), std::nullopt) << "unterminated";
    EXPECT_EQ(background_reply("\033]11;rgb:00/00\033\\"), std::nullopt);
    EXPECT_EQ(background_reply("\033]11;rgb:00000/00/00\033\\"), std::nullopt);
    EXPECT_EQ(background_reply("\033]11;rgb:00/00/0g\033\\"), std::nullopt);
    EXPECT_EQ(background_reply("\033]11;rgb:00/00/00;2;evil\033\\"), std::nullopt);
    EXPECT_EQ(background_reply("\033]11;?\033\\"), std::nullopt);
}

TEST(AnswersComplete, TheDeviceAttributesReplyEndsTheWait)
{
    EXPECT_FALSE(answers_complete(""));
    EXPECT_FALSE(answers_complete("\033]11;rgb:00/00/00\033\\"));
    EXPECT_FALSE(answers_complete("\033[?1;2"));
    EXPECT_TRUE(answers_complete("\033]11;rgb:00/00/00\033\\\033[?1;2c"));
    EXPECT_TRUE(answers_complete("\033[?62;22c"));
}

TEST(BackgroundQuery, AsksForTheBackgroundThenTheDeviceAttributes)
{
    EXPECT_EQ(background_query, "\033]11;?\033\\\033[c");
}

} // namespace
