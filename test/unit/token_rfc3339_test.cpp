// Tests RFC 3339 times as PASETO writes them: known instants, offsets, fractions, calendar
// rules, and that formatting and parsing agree over the whole range of four-digit years.
#include "rfc3339.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace {

using redline::token::format_rfc3339;
using redline::token::parse_rfc3339;
using redline::token::UnixSeconds;

TEST(Rfc3339, KnownInstants)
{
    const std::pair<const char *, UnixSeconds> known[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"1969-12-31T23:59:59Z", -1},
        {"2000-02-29T00:00:00Z", 951782400},
        {"2022-01-01T00:00:00Z", 1640995200},
        {"2038-01-19T03:14:08Z", 2147483648},
        {"0000-01-01T00:00:00Z", -62167219200},
        {"9999-12-31T23:59:59Z", 253402300799},
    };
    for (auto [text, seconds] : known) {
        EXPECT_EQ(parse_rfc3339(text), seconds) << text;
        EXPECT_EQ(format_rfc3339(seconds), text);
    }
}

TEST(Rfc3339, OffsetsAndFractions)
{
    EXPECT_EQ(parse_rfc3339("2022-01-01T00:00:00+00:00"), 1640995200);
    EXPECT_EQ(parse_rfc3339("2022-01-01T02:00:00+02:00"), 1640995200);
    EXPECT_EQ(parse_rfc3339("2021-12-31T19:00:00-05:00"), 1640995200);
    EXPECT_EQ(parse_rfc3339("2022-01-01T05:45:00+05:45"), 1640995200);
    EXPECT_EQ(parse_rfc3339("2022-01-01T23:59:00+23:59"), 1640995200);
    EXPECT_EQ(parse_rfc3339("2022-01-01T00:00:00.000Z"), 1640995200);
    EXPECT_EQ(parse_rfc3339("2022-01-01T00:00:00.999999999999Z"), 1640995200);
    EXPECT_EQ(parse_rfc3339("2022-01-01T02:00:00.5+02:00"), 1640995200);
    // The fraction is dropped, never rounded up, also before 1970.
    EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59.9Z"), -1);
    // A leap second is the next minute's first second.
    EXPECT_EQ(parse_rfc3339("2016-12-31T23:59:60Z"), parse_rfc3339("2017-01-01T00:00:00Z"));
}

TEST(Rfc3339, RefusesWhatIsNotAnRfc3339Time)
{
    for (const char *text : {"",
                             "2022",
                             "2022-01-01",
                             "2022-01-01T00:00:00",
                             "2022-01-01T00:00Z",
                             "2022-01-01t00:00:00Z",
                             "2022-01-01T00:00:00z",
                             "2022-01-01 00:00:00Z",
                             "2022-01-01T00:00:00 Z",
                             "2022-01-01T00:00:00Z ",
                             " 2022-01-01T00:00:00Z",
                             "2022-1-01T00:00:00Z",
                             "22-01-01T00:00:00Z",
                             "+2022-01-01T00:00:00Z",
                             "2022-01-01T00:00:00.Z",
                             "2022-01-01T00:00:00,5Z",
                             "2022-01-01T00:00:00+0200",
                             "2022-01-01T00:00:00+02",
                             "2022-01-01T00:00:00+24:00",
                             "2022-01-01T00:00:00+02:60",
                             "2022-01-01T00:00:00UTC",
                             "2022-01-01T00:00:00ZZ",
                             "2022-00-01T00:00:00Z",
                             "2022-13-01T00:00:00Z",
                             "2022-01-00T00:00:00Z",
                             "2022-01-32T00:00:00Z",
                             "2022-04-31T00:00:00Z",
                             "2023-02-29T00:00:00Z",
                             "1900-02-29T00:00:00Z",
                             "2022-01-01T24:00:00Z",
                             "2022-01-01T00:60:00Z",
                             "2022-01-01T00:00:61Z",
                             "２022-01-01T00:00:00Z",
                             "2022-01-01T00:00:00-0a:00"})
        EXPECT_FALSE(parse_rfc3339(text)) << '"' << text << '"';
    EXPECT_TRUE(parse_rfc3339("2000-02-29T00:00:00Z"));
    EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z"));
}

TEST(Rfc3339, FormatsOnlyFourDigitYears)
{
    EXPECT_FALSE(format_rfc3339(-62167219201));
    EXPECT_FALSE(format_rfc3339(253402300800));
    EXPECT_FALSE(format_rfc3339(INT64_MIN));
    EXPECT_FALSE(format_rfc3339(INT64_MAX));
}

// Every weekday of every month of years 0000..9999, at a varying time of day, checked
// against the C library's own calendar (gmtime_r) as well as against the parser.
TEST(Rfc3339, AgreesWithTheCLibraryOverTheWholeRange)
{
    for (UnixSeconds t = -62167219200; t <= 253402300799; t += 5 * 86400 + 3607) {
        auto text = format_rfc3339(t);
        ASSERT_TRUE(text) << t;
        ASSERT_EQ(parse_rfc3339(*text), t) << *text;
        std::time_t as_time_t = static_cast<std::time_t>(t);
        std::tm tm{};
        ASSERT_TRUE(gmtime_r(&as_time_t, &tm));
        char expected[64];
        std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        ASSERT_EQ(*text, expected);
    }
}

} // namespace
