// redline token PROFILE: after the person check, signs a short-lived session token bound to
// the role, environment and cluster that the profile's server reports, to unlock writing.
#pragma once

#include "presence/gate.hpp"
#include "terminal/palette.hpp"

#include <string>

namespace CLI {
class App;
}

namespace redline::cli {

// Exit codes besides 0 (printed) and 1 (any other error): see presence/gate.hpp.

struct TokenOptions {
    std::string profile;
    std::string ttl = "15m";
    bool sql = false;
    std::string auth; // empty: the profile's method
    std::string role; // empty: the session's login role (session_user)
};

// Adds the subcommand.
CLI::App *define_token(CLI::App &app, TokenOptions &options);

// Returns the exit code. Throws std::runtime_error with a one-line reason (exit 1).
int run_token(const TokenOptions &options, const Palette &palette);

} // namespace redline::cli
