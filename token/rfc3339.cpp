// RFC 3339 parsing and formatting with calendar arithmetic on integers: no time zone
// database, no locale, no global state, and the same answer on every platform.
#include "rfc3339.hpp"

#include <cstdio>

namespace redline::token {

namespace {

constexpr std::int64_t seconds_per_day = 86400;

bool is_leap(std::int64_t year) noexcept { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(std::int64_t year, int month) noexcept
{
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

// Floor division, for dates before 1970 and the year 0.
std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Days from 1970-01-01 to the given proleptic Gregorian date. Counts in 400-year cycles
// of 146097 days, with years starting on 1 March so that 29 February falls at a year's end.
std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept
{
    std::int64_t y = month <= 2 ? year - 1 : year;
    std::int64_t cycle = floor_div(y, 400);
    std::int64_t year_of_cycle = y - cycle * 400;                      // 0..399
    std::int64_t month_from_march = month > 2 ? month - 3 : month + 9; // 0..11
    std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    std::int64_t day_of_cycle = year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;
    // 719468 days separate 0000-03-01, where the counting starts, from 1970-01-01.
    return cycle * 146097 + day_of_cycle - 719468;
}

// The inverse of days_from_civil.
void civil_from_days(std::int64_t days, std::int64_t &year, int &month, int &day) noexcept
{
    std::int64_t z = days + 719468;
    std::int64_t cycle = floor_div(z, 146097);
    std::int64_t day_of_cycle = z - cycle * 146097; // 0..146096
    std::int64_t year_of_cycle =
        (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36524 - day_of_cycle / 146096) / 365; // 0..399
    std::int64_t day_of_year = day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
    std::int64_t month_index = (5 * day_of_year + 2) / 153; // 0..11, from March
    day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
    month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
    year = year_of_cycle + cycle * 400 + (month <= 2 ? 1 : 0);
}

// Reads exactly `count` ASCII digits at `pos`; false if any is not a digit.
bool digits(std::string_view text, std::size_t pos, std::size_t count, int &value) noexcept
{
    if (pos + count > text.size())
        return false;
    value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        char c = text[i];
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    return true;
}

bool literal(std::string_view text, std::size_t pos, char expected) noexcept
{
    return pos < text.size() && text[pos] == expected;
}

} // namespace

std::optional<UnixSeconds> parse_rfc3339(std::string_view text) noexcept
{
    int year, month, day, hour, minute, second;
    if (!digits(text, 0, 4, year) || !literal(text, 4, '-') || !digits(text, 5, 2, month) || !literal(text, 7, '-') ||
        !digits(text, 8, 2, day) || !literal(text, 10, 'T') || !digits(text, 11, 2, hour) || !literal(text, 13, ':') ||
        !digits(text, 14, 2, minute) || !literal(text, 16, ':') || !digits(text, 17, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
        second > 60)
        return std::nullopt;

    std::size_t pos = 19;
    if (literal(text, pos, '.')) {
        std::size_t first = ++pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
            ++pos;
        if (pos == first)
            return std::nullopt;
    }

    std::int64_t offset = 0;
    if (literal(text, pos, 'Z')) {
        ++pos;
    } else if (literal(text, pos, '+') || literal(text, pos, '-')) {
        int sign = text[pos] == '-' ? -1 : 1;
        int offset_hour, offset_minute;
        if (!digits(text, pos + 1, 2, offset_hour) || !literal(text, pos + 3, ':') ||
            !digits(text, pos + 4, 2, offset_minute) || offset_hour > 23 || offset_minute > 59)
            return std::nullopt;
        offset = sign * (offset_hour * 3600 + offset_minute * 60);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size())
        return std::nullopt;

    // Local time minus its offset is UTC: 12:00+02:00 is 10:00Z.
    return days_from_civil(year, month, day) * seconds_per_day + hour * 3600 + minute * 60 + second - offset;
}

std::optional<std::string> format_rfc3339(UnixSeconds seconds) noexcept
{
    // The bounds also keep the arithmetic below far from overflow.
    if (seconds < earliest_rfc3339 || seconds > latest_rfc3339)
        return std::nullopt;
    std::int64_t days = floor_div(seconds, seconds_per_day);
    std::int64_t second_of_day = seconds - days * seconds_per_day;
    std::int64_t year;
    int month, day;
    civil_from_days(days, year, month, day);
    char buffer[32];
    int length = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02dZ", static_cast<int>(year), month,
                               day, static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                               static_cast<int>(second_of_day % 60));
    if (length != 20)
        return std::nullopt;
    try {
        return std::string(buffer, static_cast<std::size_t>(length));
    } catch (...) {
        return std::nullopt;
    }
}

} // namespace redline::token
