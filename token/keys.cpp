// Ed25519 key pairs through OpenSSL's raw-key interface, laid out the way PASETO and PASERK
// (after libsodium) store them: seed || public key.
#include "keys.hpp"

#include "openssl_handles.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace redline::token {

using detail::ErrorQueueScope;
using detail::Pkey;
using detail::PkeyCtx;

bool operator==(const PublicKey &a, const PublicKey &b) noexcept { return a.bytes == b.bytes; }
bool operator!=(const PublicKey &a, const PublicKey &b) noexcept { return !(a == b); }

SecretKey::~SecretKey() { OPENSSL_cleanse(bytes.data(), bytes.size()); }

namespace {

// The public key OpenSSL derives from `pkey`, into `out`.
bool raw_public_key(EVP_PKEY *pkey, unsigned char *out) noexcept
{
    size_t size = public_key_size;
    return EVP_PKEY_get_raw_public_key(pkey, out, &size) == 1 && size == public_key_size;
}

} // namespace

std::optional<KeyPair> generate_keypair() noexcept
{
    ErrorQueueScope errors;
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "ED25519", nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1)
        return std::nullopt;
    EVP_PKEY *generated = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &generated) != 1)
        return std::nullopt;
    Pkey pkey(generated);

    KeyPair pair;
    size_t seed_length = seed_size;
    if (EVP_PKEY_get_raw_private_key(pkey.get(), pair.secret.bytes.data(), &seed_length) != 1 ||
        seed_length != seed_size || !raw_public_key(pkey.get(), pair.public_key.bytes.data()))
        return std::nullopt;
    std::copy(pair.public_key.bytes.begin(), pair.public_key.bytes.end(), pair.secret.bytes.begin() + seed_size);
    return pair;
}

PublicKey public_half(const SecretKey &secret) noexcept
{
    PublicKey key;
    std::copy(secret.bytes.begin() + seed_size, secret.bytes.end(), key.bytes.begin());
    return key;
}

bool secret_key_consistent(const SecretKey &secret) noexcept
{
    ErrorQueueScope errors;
    Pkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, secret.bytes.data(), seed_size));
    PublicKey derived;
    if (!pkey || !raw_public_key(pkey.get(), derived.bytes.data()))
        return false;
    // The public half is not secret, but this runs on secret-key input: no early exit.
    return CRYPTO_memcmp(derived.bytes.data(), secret.bytes.data() + seed_size, public_key_size) == 0;
}

} // namespace redline::token
