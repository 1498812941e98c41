// redline audit PROFILE: lists redline.audit_log (table, JSON lines, CSV), verifies it
// (--verify: the hash chains and the lane heads pinned on this machine) and prints the weekly
// review rule 8 asks for (--review).
#pragma once

#include "app/app.hpp"

#include <string>

namespace CLI {
class App;
}

namespace redline::cli {

// Exit codes: 0 listed, reviewed, or verified intact; 1 error (profile, connection, no
// extension in the database, no right to read the log); 6 --verify found the log tampered
// with (exit_audit_tampered, app/exit_codes.hpp).

struct AuditOptions {
    std::string profile;
    std::string since = "7d";
    std::string role;
    std::string events; // comma-separated classes; "" for all
    std::string format = "table";
    std::string tz; // "" for the session's (the server's TimeZone, or PGTZ)
    bool verify = false;
    bool review = false;
    std::string window = "Mon-Fri 09:00-17:00";
    long long bulk = 1000;
    long long burst = 5;
    std::string burst_within = "10m";
};

// Adds the subcommand.
CLI::App *define_audit(CLI::App &app, AuditOptions &options);

// Returns the exit code. Throws CommandRefusal (exit_audit_tampered) after the verdict when
// --verify finds the log tampered with, std::runtime_error with a one-line reason (exit 1).
int run_audit(const AuditOptions &options, const CommandContext &context);

} // namespace redline::cli
