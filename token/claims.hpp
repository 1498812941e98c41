// The claims a redline token carries (whose role, which environment and cluster, what for,
// when, how the person authenticated), read from and written to the token's JSON payload.
#pragma once

#include "rfc3339.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::token {

// Caps on what a token may carry; anything larger is refused, not truncated.
inline constexpr std::size_t max_claim_size = 256; // bytes of any one string claim
inline constexpr std::size_t max_amr_entries = 8;

enum class Scope {
    session, // unlocks the session of `sub`
    approve, // a second person's approval of one operation (`op` on `obj`)
};

// "session" or "approve".
const char *scope_name(Scope scope) noexcept;

struct Claims {
    std::string sub; // database role the token is for (compared with session_user)
    std::string env; // environment it is for (compared with redline.environment)
    std::string cid; // cluster system identifier, canonical decimal (no sign, no leading zeros)
    Scope scope = Scope::session;
    std::optional<std::string> op;  // approvals only, and required there: the operation approved
    std::optional<std::string> obj; // approvals only: what the operation acts on
    UnixSeconds iat = 0;            // issued at
    UnixSeconds exp = 0;            // expires at; always after iat
    std::optional<UnixSeconds> nbf; // not before, when the minter set one
    std::string jti;                // token id, used once
    std::vector<std::string> amr;   // RFC 8176 authentication methods, 1 to 8, no repeats
};

enum class ClaimError {
    none,
    not_json,   // not one JSON object, a repeated key, nesting or size over the limits
    missing,    // a required claim is absent
    wrong_type, // a claim has the wrong JSON type
    too_long,   // a string over max_claim_size, or amr over max_amr_entries
    bad_value,  // right type, unacceptable value (unknown scope, bad time, control characters...)
    internal,   // out of memory
};

// A short English description of `error`; the claim's name is reported beside it.
const char *describe(ClaimError error) noexcept;

// The outcome of a check: which claim (a string literal: "sub", "amr"...) failed, and how.
struct ClaimProblem {
    ClaimError error = ClaimError::none;
    const char *claim = ""; // "" when the problem is the document as a whole

    bool ok() const noexcept { return error == ClaimError::none; }
};

struct ClaimsResult {
    ClaimProblem problem;
    Claims claims; // meaningful when ok()

    bool ok() const noexcept { return problem.ok(); }
};

struct ClaimsJsonResult {
    ClaimProblem problem;
    std::string json; // meaningful when ok()

    bool ok() const noexcept { return problem.ok(); }
};

// True for the method values RFC 8176 registers ("fpt", "face", "hwk", "pwd", "user"...).
bool is_rfc8176_method(std::string_view method) noexcept;

// Applies every rule parse_claims applies to a JSON payload, to claims built in code.
// Never throws.
ClaimProblem check_claims(const Claims &claims) noexcept;

// Reads the claims of a verified token's payload. Required: sub, env, cid, scope, iat, exp,
// jti, amr, all strings but amr (an array of strings); op is required with scope "approve"
// and, like obj, refused with "session"; nbf is optional. Times are RFC 3339 with any offset
// and fraction. Claims redline does not know (iss, aud...) are ignored, as PASETO lets other
// tools add them. Never throws.
ClaimsResult parse_claims(std::string_view json) noexcept;

// The JSON payload for `claims`, times written as YYYY-MM-DDTHH:MM:SSZ. Refuses what
// parse_claims would refuse, so nothing can be minted that the server turns away for its
// shape. Never throws.
ClaimsJsonResult serialize_claims(const Claims &claims) noexcept;

} // namespace redline::token
