// How a person shows presence before a token is signed, and what the token records of it
// (its amr claim): the server can demand a strong method, so the record must be honest.
#pragma once

#include "profiles/profile.hpp"

#include <fmt/color.h>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

// The RFC 8176 methods a token records for `method`: none is only the possession of the
// software key ("swk"), typed is "pwd". nullopt for pam and touchid, whose record depends on
// the PAM service's modules or the device: their backends return it.
std::optional<std::vector<std::string>> amr_for(AuthMethod method);

// Asks on `out` for `word` to be typed ("Type production to continue: "), reads one line
// from `in`, and says whether it was exactly `word` (a trailing CR or LF aside). End of input
// counts as a refusal.
bool confirm_by_typing(std::string_view word, std::FILE *in, std::FILE *out, const fmt::text_style &style = {});

} // namespace redline::cli
