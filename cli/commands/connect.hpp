// redline connect PROFILE: psql on the profile's server, in the colours and with the
// safeguards of the environment the server reports, unlocked for writes with --write after
// the person check.
#pragma once

#include "app/app.hpp"

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace redline::cli {

// Exit codes: psql's own once it has run; before that 1 (an error) and the codes of
// app/exit_codes.hpp (2 method unavailable, 3 environment differs, 4 person check failed).

struct ConnectOptions {
    std::string profile;
    bool write = false;
    bool no_color = false;
    std::string ttl = "15m";
    std::string auth;                   // empty: the profile's method
    std::vector<std::string> psql_args; // after "--", given to psql unchanged
};

// Adds the subcommand.
CLI::App *define_connect(CLI::App &app, ConnectOptions &options);

// Returns the exit code. Throws CommandRefusal with its own exit code, std::runtime_error
// with a one-line reason (exit 1). With --verbose, says on stderr what was read, decided and
// started (never the token).
int run_connect(const ConnectOptions &options, const CommandContext &context);

} // namespace redline::cli
