// Registers every subcommand with the top-level app and dispatches to the chosen one.
#include "commands.hpp"

#include <CLI/CLI.hpp>

namespace redline::cli {

void define_commands(CLI::App &app, Commands &commands)
{
    commands.keygen_command = define_keygen(app, commands.keygen);
}

int run_chosen(const Commands &commands)
{
    if (commands.keygen_command != nullptr && commands.keygen_command->parsed())
        return run_keygen(commands.keygen);
    return -1;
}

} // namespace redline::cli
