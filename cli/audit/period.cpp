// Parses and words the periods redline audit takes. Units are the ones people say about
// logs (minutes to weeks); seconds are left out on purpose: an audit period is never that short.
#include "audit/period.hpp"

#include <fmt/format.h>

#include <array>

namespace redline::cli {

namespace {

struct Unit {
    char letter;
    long long seconds;
    const char *singular;
    const char *plural;
};

constexpr std::array<Unit, 4> units{{
    {'w', 7 * 86400, "week", "weeks"},
    {'d', 86400, "day", "days"},
    {'h', 3600, "hour", "hours"},
    {'m', 60, "minute", "minutes"},
}};

} // namespace

std::optional<long long> parse_period(std::string_view text) noexcept
{
    if (text.empty())
        return std::nullopt;
    long long total = 0;
    std::size_t next_unit = 0; // units must come largest first, each once
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t digits_start = at;
        long long number = 0;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            number = number * 10 + (text[at] - '0');
            if (number > max_period_seconds)
                return std::nullopt;
            ++at;
        }
        if (at == digits_start || at == text.size())
            return std::nullopt;
        std::size_t u = next_unit;
        while (u < units.size() && units[u].letter != text[at])
            ++u;
        if (u == units.size())
            return std::nullopt;
        total += number * units[u].seconds;
        if (total > max_period_seconds)
            return std::nullopt;
        next_unit = u + 1;
        ++at;
    }
    if (total == 0)
        return std::nullopt;
    return total;
}

std::string period_error(std::string_view text)
{
    if (parse_period(text))
        return "";
    return fmt::format("\"{}\" is not a period: write a number and a unit, m (minutes), h (hours), d (days) or w "
                       "(weeks), such as 30m, 12h, 7d, 2w or 1d12h, greater than zero and at most 3650d",
                       text);
}

std::string describe_period(long long seconds)
{
    std::string out;
    // Days rather than weeks: "14 days" is what a person compares with a retention period.
    for (const Unit &unit : units) {
        if (unit.letter == 'w')
            continue;
        long long count = seconds / unit.seconds;
        seconds %= unit.seconds;
        if (count == 0)
            continue;
        if (!out.empty())
            out += ' ';
        out += fmt::format("{} {}", count, count == 1 ? unit.singular : unit.plural);
    }
    return out.empty() ? "0 minutes" : out;
}

} // namespace redline::cli
