// redline keygen: a new Ed25519 signing key for this person on this machine, stored as a
// PASERK k4.secret file of mode 0600; prints the k4.public to enroll on the server.
#pragma once

#include "app/app.hpp"

#include <string>

namespace CLI {
class App;
}

namespace redline::cli {

struct KeygenOptions {
    std::string label; // empty: this machine's host name
};

// Adds the subcommand.
CLI::App *define_keygen(CLI::App &app, KeygenOptions &options);

// Returns the exit code. Throws std::runtime_error with a one-line reason.
int run_keygen(const KeygenOptions &options, const CommandContext &context);

} // namespace redline::cli
