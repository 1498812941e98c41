// Tests the h/m/s durations: what people type for a token's lifetime, what is refused, and
// the spelling refusals use, which parses back to the same number of seconds.
#include "duration.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace {

using redline::token::format_duration;
using redline::token::parse_duration;

TEST(Duration, ReadsEachUnitAndTheirCombinations)
{
    EXPECT_EQ(parse_duration("90s"), 90);
    EXPECT_EQ(parse_duration("15m"), 900);
    EXPECT_EQ(parse_duration("1h"), 3600);
    EXPECT_EQ(parse_duration("2h30m"), 9000);
    EXPECT_EQ(parse_duration("1h0m5s"), 3605);
    EXPECT_EQ(parse_duration("1m30s"), 90);
    EXPECT_EQ(parse_duration("24h"), 86400);
    EXPECT_EQ(parse_duration("90m"), 5400);
    EXPECT_EQ(parse_duration("0s"), 0);
    EXPECT_EQ(parse_duration("007m"), 420);
}

TEST(Duration, RefusesAnythingElse)
{
    for (const char *text : {"",     "15", "m",     "h1",   "15 m", " 15m", "15m ", "15M",   "1H",   "-5m", "+5m",
                             "1.5h", "1d", "30m2h", "1h1h", "5s5m", "1hm",  "1h30", "15min", "1e3s", "s15"})
        EXPECT_EQ(parse_duration(text), std::nullopt) << '"' << text << '"';
}

TEST(Duration, RefusesWhatWouldOverflow)
{
    EXPECT_EQ(parse_duration("99999999999999999999999s"), std::nullopt);
    EXPECT_EQ(parse_duration("9007199254740992s"), 9007199254740992LL);
    EXPECT_EQ(parse_duration("9007199254740993s"), std::nullopt);
    EXPECT_EQ(parse_duration("2501999792983h"), 2501999792983LL * 3600);
    EXPECT_EQ(parse_duration("2501999792984h"), std::nullopt);
    EXPECT_EQ(parse_duration("9007199254740992h"), std::nullopt);
    EXPECT_EQ(parse_duration("2501999792983h2192s"), 9007199254740992LL);
    EXPECT_EQ(parse_duration("2501999792983h2193s"), std::nullopt);
}

TEST(Duration, WritesLargestUnitsFirstWithoutZeroParts)
{
    EXPECT_EQ(format_duration(0), "0s");
    EXPECT_EQ(format_duration(59), "59s");
    EXPECT_EQ(format_duration(90), "1m30s");
    EXPECT_EQ(format_duration(900), "15m");
    EXPECT_EQ(format_duration(3600), "1h");
    EXPECT_EQ(format_duration(7200), "2h");
    EXPECT_EQ(format_duration(9000), "2h30m");
    EXPECT_EQ(format_duration(3605), "1h5s");
    EXPECT_EQ(format_duration(86400), "24h");
    EXPECT_EQ(format_duration(-90), "-1m30s");
    EXPECT_EQ(format_duration(std::numeric_limits<long long>::min()), "-2562047788015215h30m8s");
}

TEST(Duration, WhatIsWrittenReadsBack)
{
    for (long long seconds : {0LL, 1LL, 59LL, 60LL, 61LL, 3599LL, 3600LL, 3661LL, 86399LL, 86400LL, 123456789LL})
        EXPECT_EQ(parse_duration(*format_duration(seconds)), seconds) << seconds;
}

} // namespace
