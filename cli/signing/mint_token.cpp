// Builds, checks and signs a token's claims. The library refuses claims the server would
// turn away, so a token that is minted is one the server can accept.
#include "signing/mint_token.hpp"

#include <claims.hpp>
#include <duration.hpp>
#include <footer.hpp>
#include <paserk.hpp>
#include <paseto.hpp>
#include <token_id.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace redline::cli {

namespace {

// What a refused claim means here, where every value came from the server or the command line.
std::string claim_origin(std::string_view claim)
{
    if (claim == "sub")
        return "the role";
    if (claim == "env")
        return "the server's redline.environment";
    if (claim == "cid")
        return "the server's redline.cluster_id";
    if (claim == "amr")
        return "the authentication methods";
    if (claim == "op")
        return "the operation";
    if (claim == "obj")
        return "the object";
    return fmt::format("the token's {} claim", claim);
}

} // namespace

long long parse_token_ttl(std::string_view text)
{
    auto seconds = token::parse_duration(text);
    if (!seconds)
        throw std::runtime_error(fmt::format("\"{}\" is not a duration: write it like 90s, 15m, 1h or 2h30m", text));
    if (*seconds < min_token_ttl)
        throw std::runtime_error(fmt::format("{} is shorter than the shortest token lifetime, 10s", text));
    if (*seconds > max_token_ttl)
        throw std::runtime_error(fmt::format("{} is longer than the longest token lifetime, 24h", text));
    return *seconds;
}

namespace {

// Fills in what every token has besides its purpose (times, a fresh id), then signs.
std::string sign_claims(const token::SecretKey &key, token::Claims claims, token::UnixSeconds now,
                        long long ttl_seconds, const std::vector<std::string> &amr)
{
    claims.iat = now;
    claims.exp = now + ttl_seconds;
    auto jti = token::new_token_id();
    if (!jti)
        throw std::runtime_error("the system's random generator failed: no token was signed");
    claims.jti = *jti;
    claims.amr = amr;

    auto payload = token::serialize_claims(claims);
    if (!payload.ok()) {
        std::string_view claim = payload.problem.claim;
        throw std::runtime_error(fmt::format("{} cannot go into a token ({}): no token was signed", claim_origin(claim),
                                             token::describe(payload.problem.error)));
    }
    auto kid = token::paserk_pid(token::public_half(key));
    if (!kid)
        throw std::runtime_error("cannot compute the key id: no token was signed");
    auto footer = token::serialize_footer(*kid);
    if (!footer.ok())
        throw std::runtime_error("cannot write the token footer: no token was signed");
    auto signed_token = token::sign(key, payload.json, footer.json);
    if (!signed_token.ok())
        throw std::runtime_error(fmt::format("cannot sign the token: {}", token::describe(signed_token.error)));
    return signed_token.token;
}

} // namespace

std::string mint_session_token(const token::SecretKey &key, const SessionTokenRequest &request)
{
    token::Claims claims;
    claims.sub = request.role;
    claims.env = request.environment;
    claims.cid = request.cluster_id;
    claims.scope = token::Scope::session;
    return sign_claims(key, claims, request.now, request.ttl_seconds, request.amr);
}

std::string mint_approval_token(const token::SecretKey &key, const ApprovalTokenRequest &request)
{
    token::Claims claims;
    claims.sub = request.for_role;
    claims.env = request.environment;
    claims.cid = request.cluster_id;
    claims.scope = token::Scope::approve;
    claims.op = request.operation;
    claims.obj = request.object;
    return sign_claims(key, claims, request.now, request.ttl_seconds, request.amr);
}

} // namespace redline::cli
