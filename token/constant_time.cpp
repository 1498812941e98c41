// Constant-time comparison of byte strings, built on OpenSSL's CRYPTO_memcmp so the
// compiler cannot turn it back into an early-exit loop.
#include "constant_time.hpp"

#include <openssl/crypto.h>

namespace redline::token {

bool constant_time_equal(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    // CRYPTO_memcmp reads nothing when the size is 0, but a null pointer is still not a
    // pointer to zero bytes as far as the standard is concerned.
    if (a.empty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace redline::token
