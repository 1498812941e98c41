// Durations as redline writes them to people: 90s, 15m, 1h, 2h30m. The CLI reads token
// lifetimes in this form and the server's refusals report lifetimes in it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace redline::token {

// The seconds that `text` spells: one or more of <digits>h, <digits>m, <digits>s, in that
// order and each at most once ("90s", "15m", "1h", "2h30m", "1h0m5s"). Nothing else is
// accepted: no bare number (seconds or minutes?), no spaces, signs, fractions or upper-case
// units, and nothing over 2^53 seconds. nullopt when it is not a duration. Never throws.
std::optional<long long> parse_duration(std::string_view text) noexcept;

// `seconds` in the form parse_duration reads, largest units first and zero parts left out
// ("2h30m", "1m30s", "0s"); a negative duration starts with '-'. nullopt only when memory
// ran out. Never throws.
std::optional<std::string> format_duration(long long seconds) noexcept;

} // namespace redline::token
