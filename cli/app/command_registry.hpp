// The table of subcommands: each has a plain options struct and a handler that returns an
// exit code; main() parses, then runs the one that was chosen.
#pragma once

#include "app/app.hpp"
#include "commands/approve.hpp"
#include "commands/audit.hpp"
#include "commands/connect.hpp"
#include "commands/doctor.hpp"
#include "commands/enroll.hpp"
#include "commands/keygen.hpp"
#include "commands/profile.hpp"
#include "commands/request.hpp"
#include "commands/status.hpp"
#include "commands/token.hpp"

namespace CLI {
class App;
}

namespace redline::cli {

struct Commands {
    KeygenOptions keygen;
    CLI::App *keygen_command = nullptr;
    ProfileOptions profile;
    CLI::App *profile_command = nullptr;
    TokenOptions token;
    CLI::App *token_command = nullptr;
    ConnectOptions connect;
    CLI::App *connect_command = nullptr;
    EnrollOptions enroll;
    CLI::App *enroll_command = nullptr;
    StatusOptions status;
    CLI::App *status_command = nullptr;
    DoctorOptions doctor;
    CLI::App *doctor_command = nullptr;
    ApproveOptions approve;
    CLI::App *approve_command = nullptr;
    RequestOptions request;
    CLI::App *request_command = nullptr;
    AuditOptions audit;
    CLI::App *audit_command = nullptr;
};

void define_commands(CLI::App &app, Commands &commands);

// The chosen subcommand's exit code, or -1 when none was chosen.
int run_chosen(const Commands &commands, const GlobalOptions &global);

} // namespace redline::cli
