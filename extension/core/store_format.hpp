// The on-disk form of redline's cluster-wide state: enrolled keys and spent token ids.
// Pure C++ (no PostgreSQL headers) so every line format is unit-tested without a server.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace redline::store {

// One enrolled public key. `revoked` is 0 while the key is valid.
struct KeyRecord {
    std::string kid;          // PASERK k4.pid of the public key
    std::string role;         // the login role the key unlocks
    std::string key;          // PASERK k4.public
    std::string label;        // free text: "laptop", "phone"
    std::int64_t created = 0; // Unix seconds
    std::int64_t revoked = 0; // Unix seconds, 0 = valid
};

// A line of the keys file (no newline): tab-separated, the label percent-escaped.
std::string format_key(const KeyRecord &record);
// nullopt for a line that is not exactly what format_key writes.
std::optional<KeyRecord> parse_key(std::string_view line);

// A spent token id: the first 16 bytes of SHA-256(jti), kept until the token expires.
using TokenDigest = std::array<unsigned char, 16>;

struct SpentToken {
    TokenDigest digest{};
    std::int64_t expires = 0; // Unix seconds
};

TokenDigest digest_jti(std::string_view jti) noexcept;

std::string format_spent(const SpentToken &spent);
std::optional<SpentToken> parse_spent(std::string_view line);

// Longest label enroll_key accepts, in bytes.
inline constexpr std::size_t max_label_size = 120;

} // namespace redline::store
