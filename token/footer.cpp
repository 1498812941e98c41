// Footer parsing with the limits PASETO recommends for JSON footers: the footer is read
// before the signature is checked, so it is the most exposed JSON redline parses.
#include "footer.hpp"

#include "strict_json.hpp"

namespace redline::token {

namespace {

using Json = nlohmann::json;

// A flat object of a few members: {"kid":...} and perhaps what other PASETO tools add.
constexpr detail::JsonLimits footer_limits{1024, 1, 16};

ClaimProblem check_kid(std::string_view kid) noexcept
{
    if (kid.size() > max_kid_size)
        return {ClaimError::too_long, "kid"};
    if (kid.empty() || !detail::is_plain_text(kid))
        return {ClaimError::bad_value, "kid"};
    return {};
}

} // namespace

FooterClaims parse_footer(std::string_view json) noexcept
{
    FooterClaims result;
    try {
        auto doc = detail::parse_strict_object(json, footer_limits);
        if (!doc) {
            result.problem = {ClaimError::not_json, ""};
            return result;
        }
        auto it = doc->find("kid");
        if (it == doc->end()) {
            result.problem = {ClaimError::missing, "kid"};
            return result;
        }
        if (!it->is_string()) {
            result.problem = {ClaimError::wrong_type, "kid"};
            return result;
        }
        const auto &kid = it->get_ref<const std::string &>();
        if (!(result.problem = check_kid(kid)).ok())
            return result;
        result.kid = kid;
    } catch (...) {
        result.kid.clear();
        result.problem = {ClaimError::internal, ""};
    }
    return result;
}

FooterJsonResult serialize_footer(std::string_view kid) noexcept
{
    FooterJsonResult result;
    if (!(result.problem = check_kid(kid)).ok())
        return result;
    try {
        Json doc = Json::object();
        doc["kid"] = std::string(kid);
        result.json = doc.dump();
    } catch (...) {
        result.json.clear();
        result.problem = {ClaimError::internal, ""};
    }
    return result;
}

} // namespace redline::token
