// JSON objects read the way PASETO asks for untrusted payloads and footers: unique keys,
// bounded depth and size, checked before a document is built. Private to token/.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace redline::token::detail {

struct JsonLimits {
    std::size_t max_size;   // bytes of text
    std::size_t max_depth;  // 1: an object of scalars; 2: arrays or objects inside it, ...
    std::size_t max_values; // every value, containers included, counted once
};

// The object `text` holds, or nullopt when it is not exactly one JSON object (arrays,
// scalars, trailing text, invalid UTF-8 are refused), exceeds a limit, or repeats a key in
// any object: two parsers that keep a different copy of a repeated "sub" would disagree on
// whom the token is for. nullopt also when memory ran out. Never throws.
std::optional<nlohmann::json> parse_strict_object(std::string_view text, const JsonLimits &limits) noexcept;

// True for well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF) without control characters (U+0000..U+001F, U+007F). The rule for every string
// a token carries: they end up in role names, log lines and C strings. Never throws.
bool is_plain_text(std::string_view text) noexcept;

} // namespace redline::token::detail
