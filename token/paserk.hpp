// PASERK k4 strings for Ed25519 keys: k4.public and k4.secret (the keys themselves) and
// k4.pid (the key id a token's footer names). The format users paste and the server stores.
#pragma once

#include "keys.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace redline::token {

// "k4.public." followed by the key in unpadded base64url. nullopt only when memory ran out.
// Never throws.
std::optional<std::string> paserk_public(const PublicKey &key) noexcept;

// "k4.secret." followed by seed || public key in unpadded base64url. The result is as
// secret as the key. nullopt only when memory ran out. Never throws.
std::optional<std::string> paserk_secret(const SecretKey &key) noexcept;

// The key of a "k4.public." string: exactly that prefix, then the canonical encoding of
// exactly 32 bytes; nullopt for anything else (other versions or types, short or long keys,
// padding, whitespace). Never throws.
std::optional<PublicKey> parse_paserk_public(std::string_view text) noexcept;

// The key of a "k4.secret." string, with the rules of parse_paserk_public for 64 bytes,
// and refused also when its public half is not the one its seed derives. Decodes without
// copying the key through the heap. Never throws.
std::optional<SecretKey> parse_paserk_secret(std::string_view text) noexcept;

// The PASERK key id of a public key: "k4.pid." || base64url(BLAKE2b-264("k4.pid." ||
// paserk_public(key))). nullopt only when memory ran out or libsodium failed to start.
// Never throws.
std::optional<std::string> paserk_pid(const PublicKey &key) noexcept;

} // namespace redline::token
