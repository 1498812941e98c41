// Mints redline's tokens: the claims that bind one to a role, environment and cluster for a
// short time (a session, or an approval of one operation on one object), signed with the
// person's key and naming that key's id in the footer.
#pragma once

#include <keys.hpp>
#include <rfc3339.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

// The lifetimes `redline token --ttl` accepts, in seconds.
inline constexpr long long min_token_ttl = 10;
inline constexpr long long max_token_ttl = 24 * 3600;

// The seconds of a --ttl value ("90s", "15m", "1h", "2h30m"), from min_token_ttl to
// max_token_ttl. Throws std::runtime_error with a one-line reason.
long long parse_token_ttl(std::string_view text);

struct SessionTokenRequest {
    std::string role;        // sub: the database role the token unlocks
    std::string environment; // env: as the server reports redline.environment
    std::string cluster_id;  // cid: as the server reports redline.cluster_id
    token::UnixSeconds now = 0;
    long long ttl_seconds = 15 * 60;
    std::vector<std::string> amr; // how the person showed presence
};

// The v4.public token for `request`: scope session, iat now, exp now + ttl, a fresh random
// jti, and the footer {"kid": k4.pid of the key}. Throws std::runtime_error when a value
// cannot be carried in a token (the server reported a cluster id that is not a number...).
std::string mint_session_token(const token::SecretKey &key, const SessionTokenRequest &request);

// How long an approval lasts when `redline approve --ttl` is not given.
inline constexpr long long default_approval_ttl = 30 * 60;

struct ApprovalTokenRequest {
    std::string operation;   // op: a redline.protected name ("drop_table")
    std::string object;      // obj: the identity the server prints ("public.orders")
    std::string for_role;    // sub: the login role that will run the operation
    std::string environment; // env: as the server reports redline.environment
    std::string cluster_id;  // cid: as the server reports redline.cluster_id
    token::UnixSeconds now = 0;
    long long ttl_seconds = default_approval_ttl;
    std::vector<std::string> amr; // how the approver showed presence
};

// The v4.public approval token for `request`: scope approve, op, obj, sub, iat now, exp now +
// ttl, a fresh jti and the key id in the footer, like a session token. Throws
// std::runtime_error as mint_session_token does.
std::string mint_approval_token(const token::SecretKey &key, const ApprovalTokenRequest &request);

} // namespace redline::cli
