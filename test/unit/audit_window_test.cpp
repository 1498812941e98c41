// Deployment windows: how they are read (and refused, with a message that says how to write
// them) and which moments they hold, at their edges: the end minute, midnight, a day range
// that wraps past Sunday and a time range that runs past midnight.
#include "audit/window.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using redline::cli::DeploymentWindows;
using redline::cli::describe_windows;
using redline::cli::inside_windows;
using redline::cli::parse_windows;

constexpr int mon = 1, tue = 2, wed = 3, thu = 4, fri = 5, sat = 6, sun = 7;

int at(int hours, int minutes, int seconds = 0) { return hours * 3600 + minutes * 60 + seconds; }

std::string error_of(const std::string &text)
{
    try {
        parse_windows(text);
    } catch (const std::invalid_argument &e) {
        return e.what();
    }
    return "";
}

TEST(AuditWindow, TuesdayToThursdayDaytime)
{
    DeploymentWindows w = parse_windows("Tue-Thu 10:00-16:00");
    EXPECT_TRUE(inside_windows(w, tue, at(10, 0)));
    EXPECT_TRUE(inside_windows(w, wed, at(12, 30)));
    EXPECT_TRUE(inside_windows(w, thu, at(15, 59, 59)));
    EXPECT_FALSE(inside_windows(w, mon, at(12, 0)));
    EXPECT_FALSE(inside_windows(w, fri, at(12, 0)));
    EXPECT_FALSE(inside_windows(w, tue, at(9, 59, 59)));
}

TEST(AuditWindow, TheEndMinuteIsIncluded)
{
    DeploymentWindows w = parse_windows("Tue-Thu 10:00-16:00");
    EXPECT_TRUE(inside_windows(w, tue, at(16, 0, 0)));
    EXPECT_TRUE(inside_windows(w, tue, at(16, 0, 59)));
    EXPECT_FALSE(inside_windows(w, tue, at(16, 1, 0)));
}

TEST(AuditWindow, AWholeDayEndsAtMidnight)
{
    DeploymentWindows w = parse_windows("Sat 00:00-23:59");
    EXPECT_TRUE(inside_windows(w, sat, at(0, 0)));
    EXPECT_TRUE(inside_windows(w, sat, at(23, 59, 59)));
    EXPECT_FALSE(inside_windows(w, sun, at(0, 0))) << "Sunday's first second is another day";
    EXPECT_FALSE(inside_windows(w, fri, at(23, 59, 59)));
}

TEST(AuditWindow, HalfHoursAndSingleDigitHours)
{
    DeploymentWindows w = parse_windows("Mon-Fri 9:00-17:30");
    EXPECT_TRUE(inside_windows(w, mon, at(9, 0)));
    EXPECT_TRUE(inside_windows(w, fri, at(17, 30, 30)));
    EXPECT_FALSE(inside_windows(w, fri, at(17, 31)));
    EXPECT_FALSE(inside_windows(w, sat, at(12, 0)));
}

TEST(AuditWindow, ADayRangeWrapsPastSunday)
{
    DeploymentWindows w = parse_windows("Fri-Mon 08:00-20:00");
    for (int day : {fri, sat, sun, mon})
        EXPECT_TRUE(inside_windows(w, day, at(12, 0))) << day;
    for (int day : {tue, wed, thu})
        EXPECT_FALSE(inside_windows(w, day, at(12, 0))) << day;
    EXPECT_EQ(describe_windows(w), "Fri-Mon 08:00-20:00");
}

TEST(AuditWindow, ATimeRangeRunsPastMidnightIntoTheNextDay)
{
    DeploymentWindows w = parse_windows("Fri 22:00-02:00");
    EXPECT_TRUE(inside_windows(w, fri, at(22, 0)));
    EXPECT_TRUE(inside_windows(w, fri, at(23, 59, 59)));
    EXPECT_TRUE(inside_windows(w, sat, at(0, 0)));
    EXPECT_TRUE(inside_windows(w, sat, at(2, 0, 59)));
    EXPECT_FALSE(inside_windows(w, sat, at(2, 1)));
    EXPECT_FALSE(inside_windows(w, fri, at(1, 0))) << "the early hours belong to Thursday's night, not Friday's";
    EXPECT_FALSE(inside_windows(w, sat, at(22, 30)));
}

TEST(AuditWindow, SundayNightRunsIntoMonday)
{
    DeploymentWindows w = parse_windows("Sun 23:00-01:00");
    EXPECT_TRUE(inside_windows(w, sun, at(23, 30)));
    EXPECT_TRUE(inside_windows(w, mon, at(0, 30)));
    EXPECT_FALSE(inside_windows(w, sun, at(0, 30)));
}

TEST(AuditWindow, SeveralWindowsSeparatedByCommas)
{
    DeploymentWindows w = parse_windows("Tue-Thu 10:00-16:00, Sat 09:00-11:00,sun 12:00-13:00");
    ASSERT_EQ(w.spans.size(), 3u);
    EXPECT_TRUE(inside_windows(w, wed, at(11, 0)));
    EXPECT_TRUE(inside_windows(w, sat, at(10, 0)));
    EXPECT_TRUE(inside_windows(w, sun, at(12, 30)));
    EXPECT_FALSE(inside_windows(w, sat, at(12, 0)));
    EXPECT_EQ(describe_windows(w), "Tue-Thu 10:00-16:00, Sat 09:00-11:00, Sun 12:00-13:00");
}

TEST(AuditWindow, DaysInAnyCaseAndInFull)
{
    EXPECT_EQ(describe_windows(parse_windows("MONDAY-friday 09:00-17:00")), "Mon-Fri 09:00-17:00");
    EXPECT_EQ(describe_windows(parse_windows("  tue   10:00-16:00 ")), "Tue 10:00-16:00");
    EXPECT_EQ(describe_windows(parse_windows("Mon-Sun 00:00-23:59")), "Mon-Sun 00:00-23:59");
    EXPECT_EQ(describe_windows(parse_windows("Wed-Tue 00:00-23:59")), "Mon-Sun 00:00-23:59")
        << "a whole week reads the same whichever day it starts on";
}

TEST(AuditWindow, RefusalsQuoteTheWindowAndSayHowToWriteIt)
{
    EXPECT_NE(error_of("Tue-Thx 10:00-16:00").find("\"Thx\" is not a day: use Mon, Tue"), std::string::npos);
    EXPECT_NE(error_of("Tue 25:00-26:00").find("\"25:00\" is not a time: hours go from 00 to 23"), std::string::npos);
    EXPECT_NE(error_of("Tue 10:60-11:00").find("minutes from 00 to 59"), std::string::npos);
    EXPECT_NE(error_of("Tue 10-16").find("\"10\" is not a time: write HH:MM"), std::string::npos);
    EXPECT_NE(error_of("Tue 10:00").find("not a time range: write HH:MM-HH:MM"), std::string::npos);
    EXPECT_NE(error_of("Sat 00:00-24:00").find("23:59 ends a window at the end of the day"), std::string::npos);
    EXPECT_NE(error_of("Tue 10:00-10:00").find("starts and ends at the same minute"), std::string::npos);
    EXPECT_NE(error_of("10:00-16:00").find("name the days it applies to"), std::string::npos);
    EXPECT_NE(error_of("").find("an empty deployment window"), std::string::npos);
    EXPECT_NE(error_of("Tue 10:00-16:00,").find("an empty deployment window"), std::string::npos);
    EXPECT_NE(error_of("Tue 10:00 - 16:00").find("write DAYS HH:MM-HH:MM"), std::string::npos);
    EXPECT_NE(error_of("Tue 1000-1600").find("is not a time"), std::string::npos);
    EXPECT_NE(error_of("Tue 10:0a-16:00").find("is not a time"), std::string::npos);
}

TEST(AuditWindow, ADayWithoutATimeIsRefusedRatherThanReadAsTheWholeDay)
{
    // "Mon, Wed 10:00-12:00" probably means Monday and Wednesday mornings; reading "Mon" as all
    // of Monday would hide Monday's night-time writes from the review.
    std::string error = error_of("Mon, Wed 10:00-12:00");
    EXPECT_NE(error.find("deployment window \"Mon\": give the time of day too"), std::string::npos) << error;
    EXPECT_NE(error.find("00:00-23:59 for the whole day"), std::string::npos) << error;
}

} // namespace
