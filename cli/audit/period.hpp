// How far back redline audit looks: --since 7d, 12h, 30m, 2w (and combinations such as
// 1w3d), read here once so the listing, the review and the help say the same thing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace redline::cli {

// The longest period accepted: ten years, far beyond any audit log's retention.
inline constexpr long long max_period_seconds = 3650LL * 86400;

// The seconds `text` spells: one or more of <digits>w, <digits>d, <digits>h, <digits>m, in
// that order and each at most once ("30m", "12h", "7d", "2w", "1d12h"). No bare number, no
// spaces, signs, fractions or upper-case units; nothing of zero length or over
// max_period_seconds. nullopt when it is not such a period. Never throws.
std::optional<long long> parse_period(std::string_view text) noexcept;

// Why `text` is not a period, for the command line's one-line error; "" when it is one.
std::string period_error(std::string_view text);

// The period in words for headings, in days, hours and minutes: "7 days", "14 days",
// "1 day 12 hours", "30 minutes".
std::string describe_period(long long seconds);

} // namespace redline::cli
