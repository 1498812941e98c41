// redline approve PROFILE --op OP --object OBJ --for ROLE: a second person's approval of one
// protected operation on one object, for the role that will run it, signed after the
// approver's own person check and bound to the profile's environment and cluster.
#pragma once

#include "app/app.hpp"

#include <string>

namespace CLI {
class App;
}

namespace redline::cli {

// Exit codes: as redline token (app/exit_codes.hpp): 0 printed, 1 any other error, 2 method
// unavailable, 3 environment differs, 4 person check failed.

struct ApproveOptions {
    std::string profile; // the approver's own profile
    std::string operation;
    std::string object;
    std::string for_role;
    std::string ttl = "30m";
    bool sql = false;
    std::string auth; // empty: the profile's method
};

// Adds the subcommand.
CLI::App *define_approve(CLI::App &app, ApproveOptions &options);

// Returns the exit code. Throws CommandRefusal with its own exit code, std::runtime_error
// with a one-line reason (exit 1).
int run_approve(const ApproveOptions &options, const CommandContext &context);

} // namespace redline::cli
