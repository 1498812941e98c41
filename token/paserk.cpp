// PASERK k4.public, k4.secret and k4.pid. The key id's BLAKE2b-264 comes from libsodium,
// as OpenSSL 3.0 has no unkeyed BLAKE2b with a chosen output length (see paserk_pid).
#include "paserk.hpp"

#include "base64url.hpp"

#include <sodium.h>

#include <openssl/crypto.h>

namespace redline::token {

namespace {

constexpr std::string_view public_prefix = "k4.public.";
constexpr std::string_view secret_prefix = "k4.secret.";
constexpr std::string_view pid_prefix = "k4.pid.";
constexpr std::size_t pid_hash_size = 33;

std::string_view as_view(const unsigned char *data, std::size_t size) noexcept
{
    return {reinterpret_cast<const char *>(data), size};
}

bool starts_with(std::string_view text, std::string_view prefix) noexcept
{
    return text.substr(0, prefix.size()) == prefix;
}

} // namespace

std::optional<std::string> paserk_public(const PublicKey &key) noexcept
{
    try {
        auto encoded = base64url_encode(as_view(key.bytes.data(), key.bytes.size()));
        if (!encoded)
            return std::nullopt;
        return std::string(public_prefix) + *encoded;
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<std::string> paserk_secret(const SecretKey &key) noexcept
{
    try {
        auto encoded = base64url_encode(as_view(key.bytes.data(), key.bytes.size()));
        if (!encoded)
            return std::nullopt;
        std::string out = std::string(secret_prefix) + *encoded;
        OPENSSL_cleanse(encoded->data(), encoded->size());
        return out;
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<PublicKey> parse_paserk_public(std::string_view text) noexcept
{
    if (!starts_with(text, public_prefix))
        return std::nullopt;
    PublicKey key;
    if (!base64url_decode_exact(text.substr(public_prefix.size()), key.bytes.data(), key.bytes.size()))
        return std::nullopt;
    return key;
}

std::optional<SecretKey> parse_paserk_secret(std::string_view text) noexcept
{
    if (!starts_with(text, secret_prefix))
        return std::nullopt;
    SecretKey key;
    if (!base64url_decode_exact(text.substr(secret_prefix.size()), key.bytes.data(), key.bytes.size()) ||
        !secret_key_consistent(key))
        return std::nullopt;
    return key;
}

// OpenSSL 3.0 offers BLAKE2b only as a fixed 64-byte digest (it ignores a size parameter)
// or as BLAKE2BMAC, which refuses to start without a key; and a 33-byte BLAKE2b is not a
// truncated 64-byte one, as the output length is part of the hash's parameters.
std::optional<std::string> paserk_pid(const PublicKey &key) noexcept
{
    // Idempotent and thread-safe; picks the fastest BLAKE2b for this processor.
    if (sodium_init() < 0)
        return std::nullopt;
    try {
        auto paserk = paserk_public(key);
        if (!paserk)
            return std::nullopt;
        std::string input = std::string(pid_prefix) + *paserk;
        unsigned char hash[pid_hash_size];
        // Unkeyed BLAKE2b with a 33-byte output, as PASERK's ID operation specifies.
        if (crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char *>(input.data()), input.size(),
                               nullptr, 0) != 0)
            return std::nullopt;
        auto encoded = base64url_encode(as_view(hash, sizeof hash));
        if (!encoded)
            return std::nullopt;
        return std::string(pid_prefix) + *encoded;
    } catch (...) {
        return std::nullopt;
    }
}

} // namespace redline::token
