// Every subcommand of redline, registered in one place.
#pragma once

namespace redline::cli {

class CommandRegistry;

// Registers each subcommand in the order `redline --help` lists them.
void register_commands(CommandRegistry &registry);

} // namespace redline::cli
