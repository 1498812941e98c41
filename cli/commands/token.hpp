// redline token PROFILE: after the person check, signs a short-lived session token bound to
// the role, environment and cluster that the profile's server reports, to unlock writing.
#pragma once

#include "app/app.hpp"

#include <string>

namespace CLI {
class App;
}

namespace redline::cli {

// Exit codes besides 0 (printed) and 1 (any other error): exit_method_unavailable,
// exit_environment_differs, exit_not_confirmed (app/exit_codes.hpp).

struct TokenOptions {
    std::string profile;
    std::string ttl = "15m";
    bool sql = false;
    std::string auth; // empty: the profile's method
    std::string role; // empty: the session's login role (session_user)
};

// Adds the subcommand.
CLI::App *define_token(CLI::App &app, TokenOptions &options);

// Returns the exit code. Throws CommandRefusal with its own exit code, std::runtime_error
// with a one-line reason (exit 1).
int run_token(const TokenOptions &options, const CommandContext &context);

} // namespace redline::cli
