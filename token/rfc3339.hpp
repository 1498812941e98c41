// RFC 3339 date-times as PASETO's time claims (iat, exp, nbf) carry them, converted to and
// from Unix seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace redline::token {

// Seconds since 1970-01-01T00:00:00Z, leap seconds not counted (POSIX time).
using UnixSeconds = std::int64_t;

// The instants with a four-digit year, all that RFC 3339 can write.
inline constexpr UnixSeconds earliest_rfc3339 = -62167219200; // 0000-01-01T00:00:00Z
inline constexpr UnixSeconds latest_rfc3339 = 253402300799;   // 9999-12-31T23:59:59Z

// Parses YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM): upper-case T and Z as PASETO
// requires, any UTC offset, any number of fraction digits (dropped: the instant is rounded
// down to the second, so an expiry never moves later). A leap second (:60) counts as the
// first second of the next minute. nullopt for anything else, including impossible dates
// such as 2023-02-29. Never throws.
std::optional<UnixSeconds> parse_rfc3339(std::string_view text) noexcept;

// YYYY-MM-DDTHH:MM:SSZ, the form redline writes. nullopt outside earliest_rfc3339 to
// latest_rfc3339, or when memory ran out. Never throws.
std::optional<std::string> format_rfc3339(UnixSeconds seconds) noexcept;

} // namespace redline::token
