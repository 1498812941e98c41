// Reads and writes h/m/s durations. The bound keeps every sum far from overflow, and a
// lifetime of 2^53 seconds is already a quarter of a billion years.
#include "duration.hpp"

namespace redline::token {

namespace {

constexpr long long max_duration = 1LL << 53;

} // namespace

std::optional<long long> parse_duration(std::string_view text) noexcept
{
    constexpr std::string_view units = "hms";
    constexpr long long unit_seconds[] = {3600, 60, 1};
    long long total = 0;
    std::size_t next_unit = 0; // units before this one have been used or skipped
    std::size_t at = 0;
    if (text.empty())
        return std::nullopt;
    while (at < text.size()) {
        long long number = 0;
        std::size_t digits = 0;
        for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++digits) {
            number = number * 10 + (text[at] - '0');
            if (number > max_duration)
                return std::nullopt;
        }
        if (digits == 0 || at == text.size())
            return std::nullopt;
        auto unit = units.find(text[at], next_unit);
        if (unit == std::string_view::npos)
            return std::nullopt;
        ++at;
        next_unit = unit + 1;
        if (number > (max_duration - total) / unit_seconds[unit])
            return std::nullopt;
        total += number * unit_seconds[unit];
    }
    return total;
}

std::optional<std::string> format_duration(long long seconds) noexcept
{
    try {
        std::string out;
        // Unsigned, so that the most negative value has a magnitude too.
        unsigned long long left = static_cast<unsigned long long>(seconds);
        if (seconds < 0) {
            out = "-";
            left = 0ULL - left;
        }
        unsigned long long hours = left / 3600, minutes = left / 60 % 60, rest = left % 60;
        if (hours > 0)
            out += std::to_string(hours) + "h";
        if (minutes > 0)
            out += std::to_string(minutes) + "m";
        if (rest > 0 || left == 0)
            out += std::to_string(rest) + "s";
        return out;
    } catch (...) {
        return std::nullopt;
    }
}

} // namespace redline::token
