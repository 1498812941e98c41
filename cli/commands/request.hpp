// redline request PROFILE -c SQL | -f FILE: which approvals a statement needs, asked of the
// server itself by trying the statement in a transaction that is always rolled back, so the
// requester can send an approver the exact `redline approve` commands.
#pragma once

#include "app/app.hpp"

#include <string>

namespace CLI {
class App;
}

namespace redline::cli {

// Exit codes: 0 the approvals were listed (or none is needed); 1 any other error, including
// a statement the server refused for another reason (the write lock, RL100); 3 the server's
// environment is not the profile's (nothing was run).

struct RequestOptions {
    std::string profile;
    std::string command;  // -c: the statements themselves
    std::string file;     // -f: a file of statements; "-" reads stdin
    std::string for_role; // empty: the role the profile logs in as
    std::string token;    // a session token that unlocks the session the statements are tried in
};

// Adds the subcommand.
CLI::App *define_request(CLI::App &app, RequestOptions &options);

// Returns the exit code. Throws CommandRefusal with its own exit code, std::runtime_error
// with a one-line reason (exit 1).
int run_request(const RequestOptions &options, const CommandContext &context);

} // namespace redline::cli
