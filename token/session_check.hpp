// Decides whether a redline token may do what it is presented for: signed by an enrolled,
// unrevoked key, for this role, environment and cluster, in time, and proven strongly
// enough. In two steps, so the server looks the key up between them without a callback.
#pragma once

#include "claims.hpp"
#include "keys.hpp"
#include "rfc3339.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::token {

// The key id the token's footer names ({"kid":"k4.pid...."}), read without trusting it:
// only to choose the key to verify with. nullopt when the token is not a v4.public token or
// its footer is absent or not such an object. Never throws.
std::optional<std::string> token_kid(std::string_view token) noexcept;

// The key the server has enrolled under the token's key id.
struct EnrolledKey {
    std::string role; // the database role it was enrolled for
    PublicKey key;
    bool revoked = false;
};

// What this server, for this use, accepts. The views must outlive the check_token call.
struct Expectations {
    Scope scope = Scope::session;
    std::string_view role; // the role the token must be for (session_user for a session)
    std::string_view env;  // redline.environment
    std::string_view cid;  // the cluster's system identifier, in decimal
    UnixSeconds now = 0;
    long long max_ttl_seconds = 0;           // longest exp - iat accepted; 0 or less accepts none
    std::vector<std::string> strong_methods; // amr must hold one of these; empty = any method
    long long clock_skew_seconds = 60;       // how far iat and nbf may lie in the future
    // Approvals only: the operation and object the token must approve, exactly.
    std::string_view op;
    std::string_view obj;
};

// The outcome, in the order the checks run: the first that fails is reported.
enum class Check {
    ok,
    malformed,         // not a v4.public token, or its footer names no key id
    unknown_key,       // no key is enrolled under that key id
    revoked_key,       // the key was revoked
    bad_signature,     // the signature does not verify with the enrolled key
    bad_claims,        // signed, but the payload is not valid redline claims
    wrong_scope,       // a session token where an approval is expected, or the other way round
    key_role_mismatch, // the key is enrolled for another role than the token's sub
    wrong_role,        // sub is not the expected role
    wrong_environment, // env is not this server's
    wrong_cluster,     // cid is not this cluster's
    not_yet_valid,     // iat or nbf lies in the future by more than the clock skew
    expired,           // exp is now or earlier
    lifetime_too_long, // exp - iat exceeds max_ttl_seconds
    weak_auth,         // amr holds none of the strong methods
    self_approval,     // an approval signed by a key of the very role it is for (two-person rule)
    wrong_operation,   // an approval of another operation or object than the one at hand
};

// A short English name: "ok", "expired", "unknown key"... Never null. Never throws.
const char *describe(Check check) noexcept;

struct Verdict {
    Check check = Check::malformed;
    std::string kid; // the footer's key id, when the token got as far as naming one
    // The token's claims, when ok or when a check after bad_claims failed; empty otherwise.
    Claims claims;
    // Why, as one English clause for a refusal message ("it expired at
    // 2026-11-24T17:00:00Z"); "" when ok. Never holds the token or any key material.
    std::string detail;

    bool ok() const noexcept { return check == Check::ok; }
};

// Checks `token` with `key`, the key enrolled under token_kid(token) (nullopt when there is
// none). The signature is verified before any claim is read. Role, environment and cluster
// are compared exactly. Whether the jti was used before is the caller's to check, with
// verdict.claims.jti, once the verdict is ok. Never throws.
Verdict check_token(std::string_view token, const std::optional<EnrolledKey> &key, const Expectations &expect) noexcept;

} // namespace redline::token
