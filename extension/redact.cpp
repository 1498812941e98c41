// In-place masking of PASETO v4.public tokens in statements and log messages.
#include "redact.hpp"

#include <cstring>

namespace redline {

namespace {
constexpr const char prefix[] = "v4.public.";
constexpr std::size_t prefix_len = sizeof prefix - 1;

bool token_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}
} // namespace

bool has_token(const char *text) noexcept { return text != nullptr && std::strstr(text, prefix) != nullptr; }

bool mask_tokens(char *text) noexcept
{
    if (text == nullptr)
        return false;
    bool masked = false;
    for (char *at = std::strstr(text, prefix); at != nullptr; at = std::strstr(at, prefix)) {
        at += prefix_len;
        // The footer (after the second '.') is not secret, but a token is masked whole.
        for (; token_char(*at); ++at) {
            if (*at != 'x') {
                *at = 'x';
                masked = true;
            }
        }
    }
    return masked;
}

} // namespace redline
