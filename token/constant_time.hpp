// Constant-time comparison of byte strings, for values an attacker could learn byte by byte
// from response times: token ids, key ids, footers.
#pragma once

#include <string_view>

namespace redline::token {

// True when a and b hold the same bytes. The time taken depends on the lengths only, never
// on where the contents differ; lengths are not treated as secret. Never throws.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

} // namespace redline::token
