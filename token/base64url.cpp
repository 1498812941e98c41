// Unpadded, strict base64url. Characters are mapped with arithmetic instead of table
// lookups, so decoding a secret key does not leak its bytes through cache timing.
#include "base64url.hpp"

#include <cstdint>
#include <new>

namespace redline::token {

namespace {

// All-ones when lo <= c <= hi, else zero, without a branch: c - lo and hi - c both stay
// below 2^31 exactly when c is in range, and wrap to a value with the top bit set otherwise.
std::uint32_t in_range(std::uint32_t c, std::uint32_t lo, std::uint32_t hi) noexcept
{
    return ((((c - lo) | (hi - c)) >> 31) & 1u) - 1u;
}

char encode_sextet(std::uint32_t v) noexcept
{
    std::uint32_t c = (in_range(v, 0, 25) & (v + 'A')) | (in_range(v, 26, 51) & (v - 26 + 'a')) |
                      (in_range(v, 52, 61) & (v - 52 + '0')) | (in_range(v, 62, 62) & '-') |
                      (in_range(v, 63, 63) & '_');
    return static_cast<char>(c);
}

// The 6-bit value of `ch`; `invalid` collects all-ones when ch is outside the alphabet.
std::uint32_t decode_sextet(char ch, std::uint32_t &invalid) noexcept
{
    std::uint32_t c = static_cast<unsigned char>(ch);
    std::uint32_t upper = in_range(c, 'A', 'Z');
    std::uint32_t lower = in_range(c, 'a', 'z');
    std::uint32_t digit = in_range(c, '0', '9');
    std::uint32_t dash = in_range(c, '-', '-');
    std::uint32_t underscore = in_range(c, '_', '_');
    invalid |= ~(upper | lower | digit | dash | underscore);
    return ((upper & (c - 'A')) | (lower & (c - 'a' + 26)) | (digit & (c - '0' + 52)) | (dash & 62u) |
            (underscore & 63u)) &
           0x3fu;
}

// Decodes into `out`, which has room for exactly the decoded size (the caller computed it
// with decoded_size). Runs over the whole input before deciding, so its time depends on the
// length alone.
bool decode_into(std::string_view text, unsigned char *out) noexcept
{
    std::uint32_t invalid = 0;
    std::size_t full = text.size() / 4;
    std::size_t o = 0;
    for (std::size_t i = 0; i < full; ++i) {
        std::uint32_t a = decode_sextet(text[4 * i], invalid);
        std::uint32_t b = decode_sextet(text[4 * i + 1], invalid);
        std::uint32_t c = decode_sextet(text[4 * i + 2], invalid);
        std::uint32_t d = decode_sextet(text[4 * i + 3], invalid);
        std::uint32_t group = (a << 18) | (b << 12) | (c << 6) | d;
        out[o++] = static_cast<unsigned char>(group >> 16);
        out[o++] = static_cast<unsigned char>(group >> 8);
        out[o++] = static_cast<unsigned char>(group);
    }
    std::size_t rest = text.size() % 4;
    if (rest == 2) {
        std::uint32_t a = decode_sextet(text[4 * full], invalid);
        std::uint32_t b = decode_sextet(text[4 * full + 1], invalid);
        // Two characters carry 12 bits for one byte: the last 4 must be zero.
        invalid |= 0u - ((b & 0x0fu) != 0);
        out[o++] = static_cast<unsigned char>((a << 2) | (b >> 4));
    } else if (rest == 3) {
        std::uint32_t a = decode_sextet(text[4 * full], invalid);
        std::uint32_t b = decode_sextet(text[4 * full + 1], invalid);
        std::uint32_t c = decode_sextet(text[4 * full + 2], invalid);
        // Three characters carry 18 bits for two bytes: the last 2 must be zero.
        invalid |= 0u - ((c & 0x03u) != 0);
        std::uint32_t group = (a << 12) | (b << 6) | c;
        out[o++] = static_cast<unsigned char>(group >> 10);
        out[o++] = static_cast<unsigned char>(group >> 2);
    }
    return invalid == 0;
}

// The decoded size for a text of this length, or nullopt when no encoding has that length
// (one character over a multiple of four carries only 6 bits, less than a byte).
std::optional<std::size_t> decoded_size(std::size_t length) noexcept
{
    if (length % 4 == 1)
        return std::nullopt;
    return length / 4 * 3 + (length % 4 == 0 ? 0 : length % 4 - 1);
}

} // namespace

std::optional<std::string> base64url_encode(std::string_view bytes) noexcept
{
    try {
        std::string out;
        out.reserve(base64url_encoded_size(bytes.size()));
        auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])); };
        std::size_t full = bytes.size() / 3;
        for (std::size_t i = 0; i < full; ++i) {
            std::uint32_t group = (byte(3 * i) << 16) | (byte(3 * i + 1) << 8) | byte(3 * i + 2);
            out.push_back(encode_sextet(group >> 18));
            out.push_back(encode_sextet((group >> 12) & 0x3fu));
            out.push_back(encode_sextet((group >> 6) & 0x3fu));
            out.push_back(encode_sextet(group & 0x3fu));
        }
        std::size_t rest = bytes.size() % 3;
        if (rest == 1) {
            std::uint32_t group = byte(3 * full) << 16;
            out.push_back(encode_sextet(group >> 18));
            out.push_back(encode_sextet((group >> 12) & 0x3fu));
        } else if (rest == 2) {
            std::uint32_t group = (byte(3 * full) << 16) | (byte(3 * full + 1) << 8);
            out.push_back(encode_sextet(group >> 18));
            out.push_back(encode_sextet((group >> 12) & 0x3fu));
            out.push_back(encode_sextet((group >> 6) & 0x3fu));
        }
        return out;
    } catch (const std::bad_alloc &) {
        return std::nullopt;
    }
}

std::optional<std::string> base64url_decode(std::string_view text) noexcept
{
    auto size = decoded_size(text.size());
    if (!size)
        return std::nullopt;
    try {
        std::string out(*size, '\0');
        // data() of a std::string is writable since C++17; an empty string has no bytes to write.
        if (!decode_into(text, reinterpret_cast<unsigned char *>(out.data())))
            return std::nullopt;
        return out;
    } catch (const std::bad_alloc &) {
        return std::nullopt;
    }
}

bool base64url_decode_exact(std::string_view text, unsigned char *out, std::size_t size) noexcept
{
    auto decoded = decoded_size(text.size());
    if (decoded && *decoded == size && decode_into(text, out))
        return true;
    for (std::size_t i = 0; i < size; ++i)
        out[i] = 0;
    return false;
}

} // namespace redline::token
