// Deployment windows for redline audit --review: when writes to production are expected
// ("Tue-Thu 10:00-16:00, Sat 09:00-11:00"), so that a write at any other time is a finding.
// Pure: the server sends each write's local weekday and time, this file decides.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

// One window: some days of the week, and a time of day on each of them. The end minute is
// included (10:00-16:00 ends at 16:00:59, 00:00-23:59 is the whole day). An end before the
// start runs past midnight into the next day: Fri 22:00-02:00 is Friday 22:00 to Saturday
// 02:00:59.
struct WindowSpan {
    std::uint8_t days = 0; // bit 0 Monday ... bit 6 Sunday (ISO 8601 weekday - 1)
    int start = 0;         // minutes after midnight
    int end = 0;           // minutes after midnight, included
};

struct DeploymentWindows {
    std::vector<WindowSpan> spans;
};

// Reads comma-separated windows, each DAYS HH:MM-HH:MM where DAYS is a day (Mon, Tuesday,
// case-insensitive) or a range of days that may wrap past Sunday (Fri-Mon). Both parts are
// required, so that "Mon, Wed 10:00-12:00" is refused rather than read as all of Monday.
// Throws std::invalid_argument with a one-line message that quotes the faulty part and says
// how to write it.
DeploymentWindows parse_windows(std::string_view text);

// Whether a moment is inside any of the windows: its ISO weekday (1 Monday ... 7 Sunday) and
// the seconds since its local midnight (0 to 86399), both in the zone the windows mean.
bool inside_windows(const DeploymentWindows &windows, int iso_weekday, int second_of_day);

// The windows as parse_windows reads them, days and times normalised: "Tue-Thu 10:00-16:00".
std::string describe_windows(const DeploymentWindows &windows);

} // namespace redline::cli
