// Registers every subcommand with the top-level app and dispatches to the chosen one.
#include "app/command_registry.hpp"

#include <CLI/CLI.hpp>

namespace redline::cli {

void define_commands(CLI::App &app, Commands &commands)
{
    commands.keygen_command = define_keygen(app, commands.keygen);
    commands.profile_command = define_profile(app, commands.profile);
    commands.token_command = define_token(app, commands.token);
    commands.connect_command = define_connect(app, commands.connect);
    commands.enroll_command = define_enroll(app, commands.enroll);
    commands.status_command = define_status(app, commands.status);
    commands.doctor_command = define_doctor(app, commands.doctor);
    commands.approve_command = define_approve(app, commands.approve);
    commands.request_command = define_request(app, commands.request);
    commands.audit_command = define_audit(app, commands.audit);
}

int run_chosen(const Commands &commands, const GlobalOptions &global)
{
    if (commands.keygen_command != nullptr && commands.keygen_command->parsed())
        return run_keygen(commands.keygen);
    if (commands.profile_command != nullptr && commands.profile_command->parsed())
        return run_profile(commands.profile, palette_for(global.color));
    if (commands.token_command != nullptr && commands.token_command->parsed())
        return run_token(commands.token, palette_for(global.color));
    if (commands.connect_command != nullptr && commands.connect_command->parsed())
        return run_connect(commands.connect, global.color, global.verbose);
    if (commands.enroll_command != nullptr && commands.enroll_command->parsed())
        return run_enroll(commands.enroll, palette_for(global.color), global.verbose);
    if (commands.status_command != nullptr && commands.status_command->parsed())
        return run_status(commands.status, palette_for(global.color), global.verbose);
    if (commands.doctor_command != nullptr && commands.doctor_command->parsed())
        return run_doctor(commands.doctor, palette_for(global.color), global.verbose);
    if (commands.approve_command != nullptr && commands.approve_command->parsed())
        return run_approve(commands.approve, palette_for(global.color));
    if (commands.request_command != nullptr && commands.request_command->parsed())
        return run_request(commands.request, palette_for(global.color));
    if (commands.audit_command != nullptr && commands.audit_command->parsed())
        return run_audit(commands.audit, palette_for(global.color), global.verbose);
    return -1;
}

} // namespace redline::cli
