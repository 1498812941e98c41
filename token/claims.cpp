// Redline's claims, read in two steps: JSON types first, then values (check_claims), so
// claims built in code and claims read from a token obey the very same value rules.
#include "claims.hpp"

#include "paseto.hpp"
#include "strict_json.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace redline::token {

namespace {

using detail::is_plain_text;
using Json = nlohmann::json;

// One level of nesting is all redline needs (amr); one more leaves room for claims other
// tools add. No payload of a token within max_token_size is longer than that bound.
constexpr detail::JsonLimits claims_limits{max_token_size, 3, 64};

constexpr ClaimProblem problem(ClaimError error, const char *claim) noexcept { return {error, claim}; }

// RFC 8176 section 2, the initial contents of the registry IANA keeps.
constexpr std::array<std::string_view, 20> rfc8176_methods{
    "face", "fpt", "geo",    "hwk", "iris", "kba", "mca", "mfa",  "otp", "pin",
    "pwd",  "rba", "retina", "sc",  "sms",  "swk", "tel", "user", "vbm", "wia",
};

// A string claim: present, not too long, plain text.
ClaimProblem check_text(const std::string &value, const char *claim) noexcept
{
    if (value.empty())
        return problem(ClaimError::bad_value, claim);
    if (value.size() > max_claim_size)
        return problem(ClaimError::too_long, claim);
    if (!is_plain_text(value))
        return problem(ClaimError::bad_value, claim);
    return {};
}

// The cluster id is compared as text with the server's, so only one spelling of each
// number is accepted: decimal digits, no leading zero, at most 2^64 - 1.
bool canonical_uint64(std::string_view text) noexcept
{
    constexpr std::string_view max = "18446744073709551615";
    if (text.empty() || text.size() > max.size() || (text.size() > 1 && text[0] == '0'))
        return false;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    return text.size() < max.size() || text <= max;
}

// A time serialize_claims can write. Parsed times can fall just outside (0000-01-01T00:00:00+01:00).
bool in_time_range(UnixSeconds t) noexcept { return t >= earliest_rfc3339 && t <= latest_rfc3339; }

// Reads an optional string member: absent stays nullopt, any other type is an error.
ClaimProblem read_string(const Json &doc, const char *claim, std::optional<std::string> &out)
{
    auto it = doc.find(claim);
    if (it == doc.end())
        return {};
    if (!it->is_string())
        return problem(ClaimError::wrong_type, claim);
    out = it->get<std::string>();
    return {};
}

ClaimProblem read_required_string(const Json &doc, const char *claim, std::string &out)
{
    std::optional<std::string> value;
    if (auto p = read_string(doc, claim, value); !p.ok())
        return p;
    if (!value)
        return problem(ClaimError::missing, claim);
    out = std::move(*value);
    return {};
}

ClaimProblem read_time(const Json &doc, const char *claim, bool required, std::optional<UnixSeconds> &out)
{
    std::optional<std::string> text;
    if (auto p = read_string(doc, claim, text); !p.ok())
        return p;
    if (!text)
        return required ? problem(ClaimError::missing, claim) : ClaimProblem{};
    if (text->size() > max_claim_size)
        return problem(ClaimError::too_long, claim);
    out = parse_rfc3339(*text);
    if (!out)
        return problem(ClaimError::bad_value, claim);
    return {};
}

ClaimProblem read_amr(const Json &doc, std::vector<std::string> &out)
{
    auto it = doc.find("amr");
    if (it == doc.end())
        return problem(ClaimError::missing, "amr");
    if (!it->is_array())
        return problem(ClaimError::wrong_type, "amr");
    if (it->size() > max_amr_entries)
        return problem(ClaimError::too_long, "amr");
    for (const Json &entry : *it) {
        if (!entry.is_string())
            return problem(ClaimError::wrong_type, "amr");
        out.push_back(entry.get<std::string>());
    }
    return {};
}

ClaimProblem read_claims(const Json &doc, Claims &claims)
{
    ClaimProblem p;
    std::string scope;
    std::optional<UnixSeconds> iat, exp;
    if (!(p = read_required_string(doc, "sub", claims.sub)).ok() ||
        !(p = read_required_string(doc, "env", claims.env)).ok() ||
        !(p = read_required_string(doc, "cid", claims.cid)).ok() ||
        !(p = read_required_string(doc, "scope", scope)).ok() || !(p = read_string(doc, "op", claims.op)).ok() ||
        !(p = read_string(doc, "obj", claims.obj)).ok() || !(p = read_time(doc, "iat", true, iat)).ok() ||
        !(p = read_time(doc, "exp", true, exp)).ok() || !(p = read_time(doc, "nbf", false, claims.nbf)).ok() ||
        !(p = read_required_string(doc, "jti", claims.jti)).ok() || !(p = read_amr(doc, claims.amr)).ok())
        return p;
    if (scope == "session")
        claims.scope = Scope::session;
    else if (scope == "approve")
        claims.scope = Scope::approve;
    else
        return problem(ClaimError::bad_value, "scope");
    claims.iat = *iat;
    claims.exp = *exp;
    return check_claims(claims);
}

} // namespace

const char *scope_name(Scope scope) noexcept { return scope == Scope::approve ? "approve" : "session"; }

const char *describe(ClaimError error) noexcept
{
    switch (error) {
    case ClaimError::none:
        return "claims are valid";
    case ClaimError::not_json:
        return "not a JSON object with unique keys within the size and nesting limits";
    case ClaimError::missing:
        return "required claim is missing";
    case ClaimError::wrong_type:
        return "claim has the wrong JSON type";
    case ClaimError::too_long:
        return "claim is too long";
    case ClaimError::bad_value:
        return "claim has an unacceptable value";
    case ClaimError::internal:
        break;
    }
    return "claims could not be processed (out of memory)";
}

bool is_rfc8176_method(std::string_view method) noexcept
{
    return std::find(rfc8176_methods.begin(), rfc8176_methods.end(), method) != rfc8176_methods.end();
}

ClaimProblem check_claims(const Claims &claims) noexcept
{
    ClaimProblem p;
    if (!(p = check_text(claims.sub, "sub")).ok() || !(p = check_text(claims.env, "env")).ok())
        return p;
    if (claims.cid.size() > max_claim_size)
        return problem(ClaimError::too_long, "cid");
    if (!canonical_uint64(claims.cid))
        return problem(ClaimError::bad_value, "cid");

    // An approval names what it approves; a session token that named an operation would
    // be one the minter meant as an approval.
    if (claims.scope == Scope::approve) {
        if (!claims.op)
            return problem(ClaimError::missing, "op");
        if (!(p = check_text(*claims.op, "op")).ok())
            return p;
        if (claims.obj && !(p = check_text(*claims.obj, "obj")).ok())
            return p;
    } else {
        if (claims.op)
            return problem(ClaimError::bad_value, "op");
        if (claims.obj)
            return problem(ClaimError::bad_value, "obj");
    }

    if (!in_time_range(claims.iat))
        return problem(ClaimError::bad_value, "iat");
    // A lifetime of zero or less would slip past a maximum-lifetime check.
    if (!in_time_range(claims.exp) || claims.exp <= claims.iat)
        return problem(ClaimError::bad_value, "exp");
    if (claims.nbf && !in_time_range(*claims.nbf))
        return problem(ClaimError::bad_value, "nbf");

    if (!(p = check_text(claims.jti, "jti")).ok())
        return p;

    if (claims.amr.empty())
        return problem(ClaimError::bad_value, "amr");
    if (claims.amr.size() > max_amr_entries)
        return problem(ClaimError::too_long, "amr");
    for (std::size_t i = 0; i < claims.amr.size(); ++i) {
        const std::string &method = claims.amr[i];
        if (method.size() > max_claim_size)
            return problem(ClaimError::too_long, "amr");
        if (!is_rfc8176_method(method) ||
            std::find(claims.amr.begin(), claims.amr.begin() + static_cast<std::ptrdiff_t>(i), method) !=
                claims.amr.begin() + static_cast<std::ptrdiff_t>(i))
            return problem(ClaimError::bad_value, "amr");
    }
    return {};
}

ClaimsResult parse_claims(std::string_view json) noexcept
{
    ClaimsResult result;
    try {
        auto doc = detail::parse_strict_object(json, claims_limits);
        if (!doc) {
            result.problem = problem(ClaimError::not_json, "");
            return result;
        }
        result.problem = read_claims(*doc, result.claims);
    } catch (...) {
        result.problem = problem(ClaimError::internal, "");
    }
    if (!result.ok())
        result.claims = Claims{};
    return result;
}

ClaimsJsonResult serialize_claims(const Claims &claims) noexcept
{
    ClaimsJsonResult result;
    if (!(result.problem = check_claims(claims)).ok())
        return result;
    try {
        // check_claims has put every time within the years format_rfc3339 writes.
        Json doc = Json::object();
        doc["sub"] = claims.sub;
        doc["env"] = claims.env;
        doc["cid"] = claims.cid;
        doc["scope"] = scope_name(claims.scope);
        if (claims.op)
            doc["op"] = *claims.op;
        if (claims.obj)
            doc["obj"] = *claims.obj;
        doc["iat"] = format_rfc3339(claims.iat).value();
        doc["exp"] = format_rfc3339(claims.exp).value();
        if (claims.nbf)
            doc["nbf"] = format_rfc3339(*claims.nbf).value();
        doc["jti"] = claims.jti;
        doc["amr"] = claims.amr;
        result.json = doc.dump();
    } catch (...) {
        result.json.clear();
        result.problem = problem(ClaimError::internal, "");
    }
    return result;
}

} // namespace redline::token
