// PASETO v4.public tokens (Ed25519 signatures over PAE-encoded parts): signing, verifying,
// and reading the footer before the key is known. The only token kind redline accepts.
#pragma once

#include "keys.hpp"

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace redline::token {

// Longest token verify() looks at, in characters. Redline's tokens are a few hundred; the
// bound keeps a hostile client from making the server decode and hash megabytes.
inline constexpr std::size_t max_token_size = 8192;

inline constexpr std::size_t signature_size = 64;

enum class PasetoError {
    none,
    too_long,        // over max_token_size
    malformed,       // not version.purpose.payload[.footer]: parts missing, extra dots, empty footer after a dot
    wrong_version,   // not v4
    wrong_purpose,   // v4 but not public (v4.local)
    bad_encoding,    // payload or footer is not strict unpadded base64url
    too_short,       // the payload holds fewer than the 64 bytes of a signature
    empty_message,   // a signature and nothing signed
    footer_mismatch, // the footer is not the one the caller expected
    bad_signature,   // the signature does not verify with this key and implicit assertion
    bad_key,         // a secret key whose halves disagree, or a key OpenSSL refused
    internal,        // OpenSSL failed or memory ran out
};

// A short English description of `error`, with no token or key content in it.
const char *describe(PasetoError error) noexcept;

struct VerifyResult {
    PasetoError error = PasetoError::internal;
    std::string message; // the signed payload's bytes (redline's claims: UTF-8 JSON), when ok()
    std::string footer;  // the decoded footer, "" when the token has none, when ok()

    bool ok() const noexcept { return error == PasetoError::none; }
};

struct FooterResult {
    PasetoError error = PasetoError::internal;
    std::string footer; // decoded, "" when the token has none; NOT authenticated

    bool ok() const noexcept { return error == PasetoError::none; }
};

struct SignResult {
    PasetoError error = PasetoError::internal;
    std::string token;

    bool ok() const noexcept { return error == PasetoError::none; }
};

// Pre-authentication encoding: the count of pieces, then each piece prefixed with its
// length, all as 64-bit little-endian integers with the top bit cleared. Signing this
// instead of a plain concatenation is what stops bytes moving between parts.
// nullopt only when memory ran out. Never throws.
std::optional<std::string> pae(std::initializer_list<std::string_view> pieces) noexcept;

// The v4.public token for `message`, `footer` and `implicit_assertion` (the latter is signed
// but not carried in the token). Refuses (bad_key) a secret key whose halves disagree, and
// (empty_message, too_long) to mint a token verify() would reject. Never throws.
SignResult sign(const SecretKey &secret, std::string_view message, std::string_view footer = {},
                std::string_view implicit_assertion = {}) noexcept;

// Verifies `token` with `public_key`, and returns the signed message and the footer. When
// `expected_footer` is given, the token's footer must equal it (compared in constant time).
// Rejects, without reading further: over-long input, a version other than v4, a purpose
// other than public, a wrong number of parts, non-canonical base64url, a payload too short
// to hold a signature or with nothing signed, and any signature that does not verify.
// Never throws.
VerifyResult verify(const PublicKey &public_key, std::string_view token, std::string_view implicit_assertion = {},
                    std::optional<std::string_view> expected_footer = std::nullopt) noexcept;

// The footer of a v4.public token, decoded but NOT verified: only for choosing which key to
// verify with (its key id), never to be trusted on its own. Applies every structural rule of
// verify(), so what it accepts is shaped like a token. Never throws.
FooterResult peek_footer(std::string_view token) noexcept;

} // namespace redline::token
