// The footer of a redline token: {"kid":"<key id>"}, which tells the server which enrolled
// key to verify with before anything in the token can be trusted.
#pragma once

#include "claims.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace redline::token {

// A PASERK k4.pid is 51 characters; the cap leaves room for other key id schemes.
inline constexpr std::size_t max_kid_size = 128;

struct FooterClaims {
    ClaimProblem problem; // claim "kid", or "" for the document
    std::string kid;      // meaningful when ok()

    bool ok() const noexcept { return problem.ok(); }
};

struct FooterJsonResult {
    ClaimProblem problem;
    std::string json; // meaningful when ok()

    bool ok() const noexcept { return problem.ok(); }
};

// Reads the key id from a footer (as peek_footer or verify return it). The footer must be a
// flat JSON object (PASETO's recommended depth of one) with unique keys, and kid a non-empty
// plain-text string of at most max_kid_size bytes. Other members (wpk...) are ignored.
// Never throws.
FooterClaims parse_footer(std::string_view json) noexcept;

// {"kid":"<kid>"}, refusing a kid parse_footer would refuse. Never throws.
FooterJsonResult serialize_footer(std::string_view kid) noexcept;

} // namespace redline::token
