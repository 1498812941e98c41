// PASETO v4.public as the specification's Version 4 defines it, with OpenSSL's one-shot
// Ed25519. Every input is hostile: the server runs verify() on whatever a client sends.
#include "paseto.hpp"

#include "base64url.hpp"
#include "constant_time.hpp"
#include "openssl_handles.hpp"

#include <openssl/crypto.h>

#include <cstdint>
#include <utility>

namespace redline::token {

using detail::ErrorQueueScope;
using detail::MdCtx;
using detail::Pkey;

namespace {

constexpr std::string_view header = "v4.public.";

// LE64 of the specification: little-endian, top bit cleared so that languages without an
// unsigned 64-bit type read the same number.
void append_le64(std::string &out, std::uint64_t n)
{
    for (int i = 0; i < 8; ++i) {
        unsigned char byte = static_cast<unsigned char>(n & 0xffu);
        if (i == 7)
            byte &= 0x7fu;
        out.push_back(static_cast<char>(byte));
        n >>= 8;
    }
}

// The base64url parts of a token whose structure is right: nothing is decoded yet.
struct Parts {
    std::string_view payload;
    std::string_view footer; // "" when the token has none
};

// Checks the shape version.purpose.payload[.footer] and splits it. Version and purpose are
// told apart so a refusal can say "this is a v4.local token" rather than "malformed".
PasetoError split(std::string_view token, Parts &parts) noexcept
{
    if (token.size() > max_token_size)
        return PasetoError::too_long;
    auto version_end = token.find('.');
    if (version_end == std::string_view::npos)
        return PasetoError::malformed;
    if (token.substr(0, version_end) != "v4")
        return PasetoError::wrong_version;
    auto purpose_end = token.find('.', version_end + 1);
    if (purpose_end == std::string_view::npos)
        return PasetoError::malformed;
    if (token.substr(version_end + 1, purpose_end - version_end - 1) != "public")
        return PasetoError::wrong_purpose;

    std::string_view rest = token.substr(purpose_end + 1);
    auto payload_end = rest.find('.');
    parts.payload = rest.substr(0, payload_end);
    parts.footer = {};
    if (payload_end != std::string_view::npos) {
        parts.footer = rest.substr(payload_end + 1);
        // A signer omits the dot when the footer is empty, so "payload." is not a spelling
        // of a footer-less token, and a further dot is a part the format does not have.
        if (parts.footer.empty() || parts.footer.find('.') != std::string_view::npos)
            return PasetoError::malformed;
    }
    if (parts.payload.empty())
        return PasetoError::malformed;
    return PasetoError::none;
}

// The decoded parts of a token whose structure and encoding are right; not yet verified.
struct Decoded {
    std::string signed_part; // message || signature, at least one byte of message
    std::string footer;      // "" when the token has none
};

// Every check that needs no key, shared by verify() and peek_footer() so the two refuse a
// malformed token in the same way.
PasetoError decode(std::string_view token, Decoded &decoded)
{
    Parts parts;
    if (auto error = split(token, parts); error != PasetoError::none)
        return error;
    auto payload = base64url_decode(parts.payload);
    if (!payload)
        return PasetoError::bad_encoding;
    if (payload->size() < signature_size)
        return PasetoError::too_short;
    if (payload->size() == signature_size)
        return PasetoError::empty_message;
    decoded.signed_part = std::move(*payload);
    decoded.footer.clear();
    if (!parts.footer.empty()) {
        auto footer = base64url_decode(parts.footer);
        if (!footer)
            return PasetoError::bad_encoding;
        decoded.footer = std::move(*footer);
    }
    return PasetoError::none;
}

std::string_view as_view(const unsigned char *data, std::size_t size) noexcept
{
    return {reinterpret_cast<const char *>(data), size};
}

} // namespace

static_assert(max_token_size == 8192, "describe(PasetoError::too_long) states the limit");

const char *describe(PasetoError error) noexcept
{
    switch (error) {
    case PasetoError::none:
        return "token is valid";
    case PasetoError::too_long:
        return "token is longer than 8192 characters";
    case PasetoError::malformed:
        return "not a token: expected v4.public.<payload>[.<footer>]";
    case PasetoError::wrong_version:
        return "token is not a PASETO version 4 token";
    case PasetoError::wrong_purpose:
        return "token is not a v4.public (signed) token";
    case PasetoError::bad_encoding:
        return "token payload or footer is not valid unpadded base64url";
    case PasetoError::too_short:
        return "token payload is too short to hold a signature";
    case PasetoError::empty_message:
        return "token signs an empty message";
    case PasetoError::footer_mismatch:
        return "token footer is not the expected one";
    case PasetoError::bad_signature:
        return "token signature does not verify";
    case PasetoError::bad_key:
        return "key is not a usable Ed25519 key";
    case PasetoError::internal:
        break;
    }
    return "token could not be processed (cryptographic library failure or out of memory)";
}

std::optional<std::string> pae(std::initializer_list<std::string_view> pieces) noexcept
{
    try {
        std::size_t size = 8;
        for (std::string_view piece : pieces)
            size += 8 + piece.size();
        std::string out;
        out.reserve(size);
        append_le64(out, pieces.size());
        for (std::string_view piece : pieces) {
            append_le64(out, piece.size());
            out.append(piece);
        }
        return out;
    } catch (...) {
        return std::nullopt;
    }
}

SignResult sign(const SecretKey &secret, std::string_view message, std::string_view footer,
                std::string_view implicit_assertion) noexcept
{
    SignResult result;
    if (message.empty()) {
        result.error = PasetoError::empty_message;
        return result;
    }
    std::size_t token_size = header.size() + base64url_encoded_size(message.size() + signature_size);
    if (!footer.empty())
        token_size += 1 + base64url_encoded_size(footer.size());
    if (token_size > max_token_size) {
        result.error = PasetoError::too_long;
        return result;
    }

    try {
        ErrorQueueScope errors;
        // OpenSSL derives the public key from the seed; checking it against the stored half
        // is the specification's "the secret key of the intended keypair".
        Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, secret.bytes.data(), seed_size));
        PublicKey derived;
        size_t derived_size = derived.bytes.size();
        if (!pkey || EVP_PKEY_get_raw_public_key(pkey.get(), derived.bytes.data(), &derived_size) != 1 ||
            derived_size != public_key_size ||
            CRYPTO_memcmp(derived.bytes.data(), secret.bytes.data() + seed_size, public_key_size) != 0) {
            result.error = PasetoError::bad_key;
            return result;
        }

        auto m2 = pae({header, message, footer, implicit_assertion});
        if (!m2)
            return result;
        unsigned char signature[signature_size];
        size_t signature_length = sizeof signature;
        MdCtx ctx(EVP_MD_CTX_new());
        // Ed25519 hashes internally: no digest is named, and only the one-shot call exists.
        if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1 ||
            EVP_DigestSign(ctx.get(), signature, &signature_length, reinterpret_cast<const unsigned char *>(m2->data()),
                           m2->size()) != 1 ||
            signature_length != signature_size)
            return result;

        std::string signed_part(message);
        signed_part.append(as_view(signature, signature_size));
        auto payload = base64url_encode(signed_part);
        if (!payload)
            return result;
        std::string token;
        token.reserve(token_size);
        token.append(header).append(*payload);
        if (!footer.empty()) {
            auto encoded_footer = base64url_encode(footer);
            if (!encoded_footer)
                return result;
            token.append(1, '.').append(*encoded_footer);
        }
        result.token = std::move(token);
        result.error = PasetoError::none;
    } catch (...) {
        result.error = PasetoError::internal;
    }
    return result;
}

VerifyResult verify(const PublicKey &public_key, std::string_view token, std::string_view implicit_assertion,
                    std::optional<std::string_view> expected_footer) noexcept
{
    VerifyResult result;
    try {
        Decoded decoded;
        if ((result.error = decode(token, decoded)) != PasetoError::none)
            return result;
        if (expected_footer && !constant_time_equal(*expected_footer, decoded.footer)) {
            result.error = PasetoError::footer_mismatch;
            return result;
        }

        std::string_view signed_part = decoded.signed_part;
        std::string_view message = signed_part.substr(0, signed_part.size() - signature_size);
        std::string_view signature = signed_part.substr(signed_part.size() - signature_size);
        auto m2 = pae({header, message, decoded.footer, implicit_assertion});
        if (!m2) {
            result.error = PasetoError::internal;
            return result;
        }

        ErrorQueueScope errors;
        Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.bytes.data(), public_key_size));
        if (!pkey) {
            result.error = PasetoError::bad_key;
            return result;
        }
        MdCtx ctx(EVP_MD_CTX_new());
        if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) {
            result.error = PasetoError::internal;
            return result;
        }
        // 1 is a valid signature; 0 an invalid one and below 0 an error: both refuse.
        if (EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char *>(m2->data()), m2->size()) != 1) {
            result.error = PasetoError::bad_signature;
            return result;
        }
        result.message.assign(message);
        result.footer = std::move(decoded.footer);
        result.error = PasetoError::none;
    } catch (...) {
        result.message.clear();
        result.footer.clear();
        result.error = PasetoError::internal;
    }
    return result;
}

FooterResult peek_footer(std::string_view token) noexcept
{
    FooterResult result;
    try {
        // The payload is not needed here, but a token whose payload could never verify is
        // refused now, before anyone looks a key up for it.
        Decoded decoded;
        if ((result.error = decode(token, decoded)) != PasetoError::none)
            return result;
        result.footer = std::move(decoded.footer);
    } catch (...) {
        result.footer.clear();
        result.error = PasetoError::internal;
    }
    return result;
}

} // namespace redline::token
