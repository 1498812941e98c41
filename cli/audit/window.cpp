// Reads deployment windows strictly (a window that is silently misread hides writes from the
// review) and decides whether a write's local time falls inside one.
#include "audit/window.hpp"

#include "audit/text_trim.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <stdexcept>

namespace redline::cli {

namespace {

constexpr std::array<const char *, 7> short_days{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<const char *, 7> long_days{"monday", "tuesday",  "wednesday", "thursday",
                                                "friday", "saturday", "sunday"};

constexpr const char *form = "write DAYS HH:MM-HH:MM, such as Tue-Thu 10:00-16:00 or Sat 00:00-23:59, and separate "
                             "several windows with commas";

std::string lower(std::string_view text)
{
    std::string out;
    for (char c : text)
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

[[noreturn]] void refuse(std::string_view window, const std::string &why)
{
    throw std::invalid_argument(fmt::format("deployment window \"{}\": {}", window, why));
}

// 0 for Monday ... 6 for Sunday.
int parse_day(std::string_view window, std::string_view text)
{
    std::string name = lower(text);
    for (int d = 0; d < 7; ++d)
        if (name == lower(short_days[d]) || name == long_days[d])
            return d;
    refuse(window,
           fmt::format("\"{}\" is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun (or the whole name)", text));
}

// Minutes after midnight of H:MM or HH:MM, 00:00 to 23:59.
int parse_time(std::string_view window, std::string_view text)
{
    auto bad = [&](const std::string &why) { refuse(window, fmt::format("\"{}\" is not a time: {}", text, why)); };
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3)
        bad("write HH:MM, such as 09:30");
    for (std::size_t i = 0; i < text.size(); ++i)
        if (i != colon && !std::isdigit(static_cast<unsigned char>(text[i])))
            bad("write HH:MM, such as 09:30");
    int hours = std::stoi(std::string(text.substr(0, colon)));
    int minutes = std::stoi(std::string(text.substr(colon + 1)));
    if (hours == 24 && minutes == 0)
        bad("the end minute is included, so 23:59 ends a window at the end of the day");
    if (hours > 23 || minutes > 59)
        bad("hours go from 00 to 23 and minutes from 00 to 59");
    return hours * 60 + minutes;
}

WindowSpan parse_window(std::string_view window)
{
    if (window.empty())
        throw std::invalid_argument(fmt::format("an empty deployment window: {}", form));
    std::size_t space = window.find_first_of(" \t");
    if (space == std::string_view::npos) {
        if (window.find(':') != std::string_view::npos)
            refuse(window, "name the days it applies to, such as Mon-Fri " + std::string(window));
        refuse(window, "give the time of day too, such as " + std::string(window) +
                           " 09:00-17:00 (00:00-23:59 for the whole day)");
    }
    std::string_view days = window.substr(0, space);
    std::string_view times = trim_blanks(window.substr(space));
    if (times.find_first_of(" \t") != std::string_view::npos)
        refuse(window, form);

    WindowSpan span;
    std::size_t dash = days.find('-');
    int first = parse_day(window, days.substr(0, dash));
    int last = dash == std::string_view::npos ? first : parse_day(window, days.substr(dash + 1));
    // A range may wrap past Sunday: Fri-Mon is Friday, Saturday, Sunday and Monday.
    for (int d = first;; d = (d + 1) % 7) {
        span.days |= static_cast<std::uint8_t>(1u << d);
        if (d == last)
            break;
    }

    dash = times.find('-');
    if (dash == std::string_view::npos)
        refuse(window, fmt::format("\"{}\" is not a time range: write HH:MM-HH:MM, such as 10:00-16:00", times));
    span.start = parse_time(window, times.substr(0, dash));
    span.end = parse_time(window, times.substr(dash + 1));
    if (span.start == span.end)
        refuse(window, "it starts and ends at the same minute; 00:00-23:59 is the whole day");
    return span;
}

std::string hhmm(int minutes) { return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60); }

bool has_day(const WindowSpan &span, int day) { return (span.days >> day & 1u) != 0; }

} // namespace

DeploymentWindows parse_windows(std::string_view text)
{
    DeploymentWindows windows;
    std::size_t at = 0;
    while (true) {
        std::size_t comma = text.find(',', at);
        windows.spans.push_back(parse_window(trim_blanks(text.substr(at, comma - at))));
        if (comma == std::string_view::npos)
            break;
        at = comma + 1;
    }
    return windows;
}

bool inside_windows(const DeploymentWindows &windows, int iso_weekday, int second_of_day)
{
    int day = iso_weekday - 1;
    int previous = (day + 6) % 7;
    int minute = second_of_day / 60;
    for (const WindowSpan &span : windows.spans) {
        if (span.start < span.end) {
            if (has_day(span, day) && minute >= span.start && minute <= span.end)
                return true;
        } else if ((has_day(span, day) && minute >= span.start) || (has_day(span, previous) && minute <= span.end)) {
            return true;
        }
    }
    return false;
}

std::string describe_windows(const DeploymentWindows &windows)
{
    std::string out;
    for (const WindowSpan &span : windows.spans) {
        if (!out.empty())
            out += ", ";
        // The days as one range from the first day whose predecessor is not in the window.
        int first = 0;
        if (span.days != 0x7f)
            while (!has_day(span, first) || has_day(span, (first + 6) % 7))
                first = (first + 1) % 7;
        int last = first;
        while (has_day(span, (last + 1) % 7) && (last + 1) % 7 != first)
            last = (last + 1) % 7;
        out += short_days[first];
        if (last != first)
            out += fmt::format("-{}", short_days[last]);
        out += fmt::format(" {}-{}", hhmm(span.start), hhmm(span.end));
    }
    return out;
}

} // namespace redline::cli
