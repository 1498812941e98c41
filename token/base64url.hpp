// Unpadded base64url (RFC 4648 §5), the encoding of every PASETO and PASERK part. Decoding
// is strict, so each byte string has exactly one accepted spelling.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace redline::token {

// The encoding of `bytes`, without '=' padding. nullopt only when memory ran out.
std::optional<std::string> base64url_encode(std::string_view bytes) noexcept;

// The bytes `text` encodes, or nullopt when it is not canonical unpadded base64url: any
// character outside A-Z a-z 0-9 '-' '_' (so also '=', '+', '/' and whitespace), a length
// that leaves a single character over, or unused trailing bits that are not zero. With the
// trailing-bit rule, changing any one character of an encoding changes what it decodes to
// or makes it invalid. nullopt also when memory ran out. Never throws.
std::optional<std::string> base64url_decode(std::string_view text) noexcept;

// Decodes `text` into exactly `size` bytes at `out`, with the rules of base64url_decode and
// without touching the heap, for secret keys. On failure `out` is zeroed and false returned.
bool base64url_decode_exact(std::string_view text, unsigned char *out, std::size_t size) noexcept;

// How many characters encode `size` bytes.
constexpr std::size_t base64url_encoded_size(std::size_t size) noexcept
{
    return size / 3 * 4 + (size % 3 == 0 ? 0 : size % 3 + 1);
}

} // namespace redline::token
