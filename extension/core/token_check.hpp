// The C++ side of a token check, behind plain data: the server copies an enrolled key out
// of shared memory, and gets back a verdict with fixed-size texts. No exception escapes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace redline::token_check {

// The footer's key id, or false when the token has none that could be an enrolled key's.
bool read_kid(const char *token, char *kid, std::size_t cap) noexcept;

struct KeyView {
    const char *role;
    const char *paserk; // k4.public
    bool revoked;
};

struct Expect {
    const char *role;
    const char *env;
    const char *cid;
    std::int64_t now;
    std::int64_t max_ttl;
    const char *strong_methods; // comma-separated, "" = any
    // Approvals: the operation and object the token must approve; null for a session token.
    const char *op = nullptr;
    const char *obj = nullptr;
};

struct Verdict {
    bool ok;
    char reason[400]; // when not ok: one clause, no key material, no token
    unsigned char jti_digest[16];
    std::int64_t expires;
    char amr[96];         // "fpt" or "hwk,user"
    bool other_operation; // an approval, but of another operation or object
};

// key is null when no key with the token's kid was ever enrolled.
void check(const char *token, const KeyView *key, const Expect &expect, Verdict *out) noexcept;

// The id of a token signed by `key` (whatever it was written for: any role, scope or
// environment, expired or not), so that a token the server was shown but never used can be
// recorded as spent. ok is false when the token is not one `key` signed.
struct ShownToken {
    bool ok;
    unsigned char jti_digest[16];
    std::int64_t expires;
};
void shown_token(const char *token, const KeyView &key, ShownToken *out) noexcept;

// The banner's time: "17:45:00 UTC" style RFC 3339 text for Unix seconds.
void format_time(std::int64_t seconds, char *buf, std::size_t cap) noexcept;

// PASERK helpers for enroll_key: the k4.pid of a k4.public, false when it is not one.
bool key_id_of(const char *paserk_public, char *kid, std::size_t cap) noexcept;

} // namespace redline::token_check
