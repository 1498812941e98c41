// Runs the one subcommand the parsed command line chose.
#include "app/command_registry.hpp"

#include <CLI/CLI.hpp>

namespace redline::cli {

std::optional<int> CommandRegistry::run_chosen(const GlobalOptions &global) const
{
    for (const Entry &entry : entries_)
        if (entry.command->parsed())
            return entry.run(CommandContext{global, palette_for(global.color)});
    return std::nullopt;
}

} // namespace redline::cli
