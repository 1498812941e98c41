// The one list of redline's subcommands. A new subcommand is a file in commands/ with a plain
// options struct, define_NAME(CLI::App &, NameOptions &) and run_NAME(const NameOptions &,
// const CommandContext &), and one line here.
#include "commands/command_table.hpp"
#include "app/command_registry.hpp"
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

namespace redline::cli {

void register_commands(CommandRegistry &registry)
{
    registry.add(define_keygen, run_keygen);
    registry.add(define_profile, run_profile);
    registry.add(define_token, run_token);
    registry.add(define_connect, run_connect);
    registry.add(define_enroll, run_enroll);
    registry.add(define_status, run_status);
    registry.add(define_doctor, run_doctor);
    registry.add(define_approve, run_approve);
    registry.add(define_request, run_request);
    registry.add(define_audit, run_audit);
}

} // namespace redline::cli
