// In-place masking of PASETO v4.public tokens in statements and log messages.
#include "redact.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <cctype>
#include <cstring>
#include <string>
#include <strings.h>

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

namespace redline {

namespace {

bool identifier_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// Masks the literal starting at `p` (a quote, E-quote or dollar quote); returns where it ends.
char *mask_literal(char *p)
{
    bool escapes = false;
    if ((*p == 'E' || *p == 'e') && p[1] == '\'') {
        escapes = true;
        ++p;
    }
    if (*p == '\'') {
        char *q = p + 1;
        while (*q != '\0') {
            if (escapes && *q == '\\' && q[1] != '\0') {
                *q++ = '*';
                *q++ = '*';
                continue;
            }
            if (*q == '\'') {
                if (q[1] == '\'') {
                    *q++ = '*';
                    *q++ = '*';
                    continue;
                }
                return q + 1;
            }
            *q++ = '*';
        }
        return q;
    }
    if (*p == '$') {
        char *tag_end = p + 1;
        while (*tag_end != '\0' && *tag_end != '$' && identifier_char(*tag_end))
            ++tag_end;
        if (*tag_end != '$')
            return p + 1;
        size_t tag_len = static_cast<size_t>(tag_end - p) + 1; // "$tag$"
        char *body = tag_end + 1;
        char *close = std::strstr(body, std::string(p, tag_len).c_str());
        char *end = close != nullptr ? close : body + std::strlen(body);
        for (char *q = body; q < end; ++q)
            *q = '*';
        return close != nullptr ? close + tag_len : end;
    }
    return p;
}

} // namespace

bool mask_passwords(char *text) noexcept
{
    if (text == nullptr)
        return false;
    bool masked = false;
    try {
        for (char *p = text; *p != '\0'; ++p) {
            if (strncasecmp(p, "password", 8) != 0 || (p > text && identifier_char(p[-1])) || identifier_char(p[8]))
                continue;
            char *q = p + 8;
            while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
                ++q;
            char *after = mask_literal(q);
            if (after != q) {
                masked = true;
                p = after - 1;
            }
        }
    } catch (...) {
        return masked;
    }
    return masked;
}

} // namespace redline
