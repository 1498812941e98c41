// Fresh token ids (the jti claim): 128 random bits, so that two tokens never share one and
// the server's single-use check never refuses an honest token.
#pragma once

#include <optional>
#include <string>

namespace redline::token {

// 32 lower-case hex digits from OpenSSL's random generator. nullopt when the generator
// failed or memory ran out. Never throws.
std::optional<std::string> new_token_id() noexcept;

} // namespace redline::token
