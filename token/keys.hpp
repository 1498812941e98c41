// Ed25519 keys as PASETO v4.public and PASERK k4 hold them: a 32-byte public key and a
// 64-byte secret key (seed || public key), and generating a new pair.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

namespace redline::token {

inline constexpr std::size_t public_key_size = 32;
inline constexpr std::size_t secret_key_size = 64;
inline constexpr std::size_t seed_size = 32;

// Separate types, so a public key cannot be handed where a secret one is expected or the
// other way round (the PASETO spec asks implementations to rule out such key confusion).
// Both are for v4.public only: this library has no v4.local.
struct PublicKey {
    std::array<unsigned char, public_key_size> bytes{};
};

bool operator==(const PublicKey &a, const PublicKey &b) noexcept;
bool operator!=(const PublicKey &a, const PublicKey &b) noexcept;

// Wipes its bytes when destroyed, so a copy that goes out of scope leaves no key behind.
struct SecretKey {
    std::array<unsigned char, secret_key_size> bytes{};

    SecretKey() noexcept = default;
    SecretKey(const SecretKey &) noexcept = default;
    SecretKey &operator=(const SecretKey &) noexcept = default;
    ~SecretKey();
};

struct KeyPair {
    SecretKey secret;
    PublicKey public_key;
};

// A new key pair from OpenSSL's random generator; nullopt if OpenSSL failed. Never throws.
std::optional<KeyPair> generate_keypair() noexcept;

// The public key stored in the secret key's last 32 bytes. Trust it only for a key that
// secret_key_consistent accepted.
PublicKey public_half(const SecretKey &secret) noexcept;

// True when the stored public half is the one the seed derives. A key whose halves disagree
// (a corrupt or hand-edited file) would sign tokens that its own public key cannot verify,
// so such a key is refused wherever a secret key is read or used. Never throws.
bool secret_key_consistent(const SecretKey &secret) noexcept;

} // namespace redline::token
