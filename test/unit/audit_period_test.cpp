// The periods redline audit --since and --burst-within read: units from minutes to weeks,
// largest first, and nothing that could be misread (bare numbers, seconds, zero).
#include "audit/period.hpp"

#include <gtest/gtest.h>

namespace {

using redline::cli::describe_period;
using redline::cli::parse_period;
using redline::cli::period_error;

TEST(AuditPeriod, ReadsEachUnit)
{
    EXPECT_EQ(parse_period("30m"), 30 * 60);
    EXPECT_EQ(parse_period("12h"), 12 * 3600);
    EXPECT_EQ(parse_period("7d"), 7 * 86400);
    EXPECT_EQ(parse_period("2w"), 14 * 86400);
}

TEST(AuditPeriod, CombinesUnitsLargestFirst)
{
    EXPECT_EQ(parse_period("1d12h"), 36 * 3600);
    EXPECT_EQ(parse_period("1w1d1h1m"), 8 * 86400 + 3600 + 60);
    EXPECT_EQ(parse_period("0d5m"), 300);
    EXPECT_EQ(parse_period("90m"), 5400) << "a unit may hold more than the next one up";
}

TEST(AuditPeriod, RefusesWhatCouldBeMisread)
{
    for (const char *text : {"", "7", "d", "7D", "7 d", " 7d", "7d ", "+7d", "-7d", "1.5d", "7s", "12h1d", "1d1d", "0m",
                             "0d0h", "7dx", "x7d", "7days"})
        EXPECT_FALSE(parse_period(text).has_value()) << text;
}

TEST(AuditPeriod, RefusesMoreThanTenYearsWithoutOverflowing)
{
    EXPECT_EQ(parse_period("3650d"), 3650LL * 86400);
    EXPECT_FALSE(parse_period("3651d").has_value());
    EXPECT_FALSE(parse_period("99999999999999999999999w").has_value());
    EXPECT_FALSE(parse_period("3000d3000d").has_value());
}

TEST(AuditPeriod, ErrorSaysHowToWriteOne)
{
    EXPECT_EQ(period_error("7d"), "");
    std::string error = period_error("7x");
    EXPECT_NE(error.find("\"7x\" is not a period"), std::string::npos) << error;
    EXPECT_NE(error.find("30m, 12h, 7d, 2w"), std::string::npos) << error;
}

TEST(AuditPeriod, DescribesInDaysHoursAndMinutes)
{
    EXPECT_EQ(describe_period(7 * 86400), "7 days");
    EXPECT_EQ(describe_period(14 * 86400), "14 days");
    EXPECT_EQ(describe_period(86400 + 12 * 3600), "1 day 12 hours");
    EXPECT_EQ(describe_period(600), "10 minutes");
    EXPECT_EQ(describe_period(3660), "1 hour 1 minute");
}

} // namespace
