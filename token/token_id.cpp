// Token ids from RAND_bytes, which OpenSSL seeds from the operating system.
#include "token_id.hpp"

#include "openssl_handles.hpp"

#include <openssl/rand.h>

#include <array>

namespace redline::token {

std::optional<std::string> new_token_id() noexcept
{
    detail::ErrorQueueScope errors;
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        return std::nullopt;
    try {
        constexpr char digits[] = "0123456789abcdef";
        std::string id;
        id.reserve(2 * bytes.size());
        for (unsigned char b : bytes) {
            id.push_back(digits[b >> 4]);
            id.push_back(digits[b & 0x0f]);
        }
        return id;
    } catch (...) {
        return std::nullopt;
    }
}

} // namespace redline::token
