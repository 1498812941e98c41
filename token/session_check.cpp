// The checks run strictly in the order of Check: nothing the token claims is read before its
// signature has verified, and each refusal names the first rule the token breaks.
#include "session_check.hpp"

#include "constant_time.hpp"
#include "duration.hpp"
#include "footer.hpp"
#include "paseto.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace redline::token {

namespace {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string time_text(UnixSeconds t)
{
    auto text = format_rfc3339(t);
    return text ? *text : std::to_string(t) + " (Unix time)";
}

std::string duration_text(long long seconds)
{
    auto text = format_duration(seconds);
    return text ? *text : std::to_string(seconds) + "s";
}

std::string joined(const std::vector<std::string> &items)
{
    std::string out;
    for (const auto &item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

// What a structurally refused token is, as a clause about "it".
const char *malformed_clause(PasetoError error) noexcept
{
    switch (error) {
    case PasetoError::too_long:
        return "it is longer than a token may be (8192 characters)";
    case PasetoError::wrong_version:
        return "it is not a PASETO version 4 token";
    case PasetoError::wrong_purpose:
        return "it is not a v4.public (signed) token";
    case PasetoError::bad_encoding:
        return "its payload or footer is not valid base64url";
    case PasetoError::too_short:
    case PasetoError::empty_message:
        return "its payload is too short to hold a signed message";
    default:
        break;
    }
    return "it is not shaped like a token (v4.public.<payload>.<footer>)";
}

std::string claims_clause(const ClaimProblem &problem)
{
    if (problem.claim[0] == '\0')
        return problem.error == ClaimError::internal
                   ? "its claims could not be read (out of memory)"
                   : "its payload is not one JSON object with unique keys within the size limits";
    std::string claim = quoted(problem.claim);
    switch (problem.error) {
    case ClaimError::missing:
        return "its claim " + claim + " is missing";
    case ClaimError::wrong_type:
        return "its claim " + claim + " has the wrong JSON type";
    case ClaimError::too_long:
        return "its claim " + claim + " is too long";
    default:
        break;
    }
    return "its claim " + claim + " has an unacceptable value";
}

// a > b + margin, without overflow whatever the server passes as now or skew.
bool later_than(UnixSeconds a, UnixSeconds b, long long margin) noexcept
{
    if (b > std::numeric_limits<UnixSeconds>::max() - margin)
        return false;
    return a > b + margin;
}

bool has_strong_method(const std::vector<std::string> &amr, const std::vector<std::string> &strong)
{
    if (strong.empty())
        return true;
    return std::any_of(amr.begin(), amr.end(), [&](const std::string &method) {
        return std::find(strong.begin(), strong.end(), method) != strong.end();
    });
}

// Sets the verdict's outcome; the caller returns it.
Verdict &refuse(Verdict &verdict, Check check, std::string detail)
{
    verdict.check = check;
    verdict.detail = std::move(detail);
    return verdict;
}

void check_claim_values(Verdict &v, const EnrolledKey &key, const Expectations &expect)
{
    const Claims &c = v.claims;
    if (c.scope != expect.scope) {
        refuse(v, Check::wrong_scope,
               c.scope == Scope::approve ? "it is an approval token, not a session token"
                                         : "it is a session token, not an approval token");
        return;
    }
    // A session token is signed by the person it unlocks; an approval by someone else.
    if (c.scope == Scope::session && !constant_time_equal(c.sub, key.role)) {
        refuse(v, Check::key_role_mismatch,
               "it is for role " + quoted(c.sub) + " but its key is enrolled for role " + quoted(key.role));
        return;
    }
    if (c.scope == Scope::approve && constant_time_equal(c.sub, key.role)) {
        refuse(v, Check::self_approval,
               "it is signed by a key of role " + quoted(key.role) +
                   ", the role it approves for: an approval must come from a second person");
        return;
    }
    if (!constant_time_equal(c.sub, expect.role)) {
        refuse(v, Check::wrong_role, "it is for role " + quoted(c.sub) + ", not " + quoted(expect.role));
        return;
    }
    if (c.scope == Scope::approve) {
        std::string op = c.op.value_or("");
        std::string obj = c.obj.value_or("");
        if (!constant_time_equal(op, expect.op) || !constant_time_equal(obj, expect.obj)) {
            refuse(v, Check::wrong_operation,
                   "it approves " + op + " on " + obj + ", not " + std::string(expect.op) + " on " +
                       std::string(expect.obj));
            return;
        }
    }
    if (!constant_time_equal(c.env, expect.env)) {
        refuse(v, Check::wrong_environment,
               "it is for environment " + quoted(c.env) + ", this server is " + quoted(expect.env));
        return;
    }
    if (!constant_time_equal(c.cid, expect.cid)) {
        refuse(v, Check::wrong_cluster,
               "it is for cluster " + c.cid + ", this server is cluster " + std::string(expect.cid));
        return;
    }
    long long skew = std::max(expect.clock_skew_seconds, 0LL);
    if (c.nbf && later_than(*c.nbf, expect.now, skew)) {
        refuse(v, Check::not_yet_valid, "it is not valid before " + time_text(*c.nbf));
        return;
    }
    if (later_than(c.iat, expect.now, skew)) {
        refuse(v, Check::not_yet_valid,
               "it was issued at " + time_text(c.iat) + ", in the future by this server's clock");
        return;
    }
    if (c.exp <= expect.now) {
        refuse(v, Check::expired, "it expired at " + time_text(c.exp));
        return;
    }
    // Both times lie within the years RFC 3339 writes, so the difference cannot overflow.
    long long lifetime = c.exp - c.iat;
    if (lifetime > expect.max_ttl_seconds) {
        refuse(v, Check::lifetime_too_long,
               "its lifetime of " + duration_text(lifetime) + " exceeds redline.token_max_ttl (" +
                   duration_text(expect.max_ttl_seconds) + ")");
        return;
    }
    if (!has_strong_method(c.amr, expect.strong_methods)) {
        refuse(v, Check::weak_auth,
               "it was authenticated by " + joined(c.amr) + ", and redline.strong_auth_methods asks for one of " +
                   joined(expect.strong_methods));
        return;
    }
    v.check = Check::ok;
}

Verdict check_token_or_throw(std::string_view token, const std::optional<EnrolledKey> &key, const Expectations &expect)
{
    Verdict v;
    FooterResult footer = peek_footer(token);
    if (!footer.ok())
        return refuse(v, Check::malformed, malformed_clause(footer.error));
    if (footer.footer.empty())
        return refuse(v, Check::malformed, "it has no footer naming its key (kid)");
    FooterClaims named = parse_footer(footer.footer);
    if (!named.ok())
        return refuse(v, Check::malformed, "its footer does not name a key id ({\"kid\":\"k4.pid....\"})");
    v.kid = std::move(named.kid);

    if (!key)
        return refuse(v, Check::unknown_key, "its key " + v.kid + " is not enrolled");
    if (key->revoked)
        return refuse(v, Check::revoked_key, "its key " + v.kid + " was revoked");

    VerifyResult verified = verify(key->key, token);
    if (verified.error == PasetoError::internal)
        return refuse(v, Check::bad_signature,
                      "its signature could not be checked (cryptographic library failure or out of memory)");
    if (!verified.ok())
        return refuse(v, Check::bad_signature, "its signature does not verify with the key enrolled as " + v.kid);

    ClaimsResult parsed = parse_claims(verified.message);
    if (!parsed.ok())
        return refuse(v, Check::bad_claims, claims_clause(parsed.problem));
    v.claims = std::move(parsed.claims);
    check_claim_values(v, *key, expect);
    return v;
}

} // namespace

std::optional<std::string> token_kid(std::string_view token) noexcept
{
    try {
        FooterResult footer = peek_footer(token);
        if (!footer.ok() || footer.footer.empty())
            return std::nullopt;
        FooterClaims named = parse_footer(footer.footer);
        if (!named.ok())
            return std::nullopt;
        return std::move(named.kid);
    } catch (...) {
        return std::nullopt;
    }
}

const char *describe(Check check) noexcept
{
    switch (check) {
    case Check::ok:
        return "ok";
    case Check::malformed:
        return "malformed token";
    case Check::unknown_key:
        return "unknown key";
    case Check::revoked_key:
        return "revoked key";
    case Check::bad_signature:
        return "bad signature";
    case Check::bad_claims:
        return "invalid claims";
    case Check::wrong_scope:
        return "wrong scope";
    case Check::key_role_mismatch:
        return "key enrolled for another role";
    case Check::wrong_role:
        return "wrong role";
    case Check::wrong_environment:
        return "wrong environment";
    case Check::wrong_cluster:
        return "wrong cluster";
    case Check::not_yet_valid:
        return "not yet valid";
    case Check::expired:
        return "expired";
    case Check::lifetime_too_long:
        return "lifetime too long";
    case Check::weak_auth:
        return "authentication too weak";
    case Check::self_approval:
        return "approval by the same person";
    case Check::wrong_operation:
        return "approval of another operation";
    }
    return "malformed token";
}

Verdict check_token(std::string_view token, const std::optional<EnrolledKey> &key, const Expectations &expect) noexcept
{
    try {
        return check_token_or_throw(token, key, expect);
    } catch (...) {
        // Out of memory: refuse, with nothing that would need memory to build.
        return Verdict{};
    }
}

} // namespace redline::token
