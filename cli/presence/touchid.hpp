// The touchid backend of the person check: macOS LocalAuthentication, biometrics only (no
// fallback to the login password), so the token can record a finger honestly.
#pragma once

#include "presence/gate.hpp"
#include "terminal/palette.hpp"

#include <string>
#include <vector>

namespace redline::cli {

#if defined(__APPLE__)
// Asks Touch ID, naming request.purpose in the system's dialog. Returns {"fpt"} ({"face"} on
// a Face ID device). Throws PresenceRefused: exit_method_unavailable when the Mac has no
// enrolled biometrics, exit_not_confirmed when the person cancels or does not match.
std::vector<std::string> prove_by_touchid(const PresenceRequest &request, const Palette &palette);
#endif

} // namespace redline::cli
