// How a subcommand joins redline: it brings a plain options struct, a function that adds it
// and its options to the command line, and a handler that returns an exit code; one line in
// commands/command_table.cpp registers the pair. main() parses once, then runs the one chosen.
#pragma once

#include "app/app.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace CLI {
class App;
}

namespace redline::cli {

class CommandRegistry {
public:
    explicit CommandRegistry(CLI::App &app) : app_(app) {}

    // Registers a subcommand: `define` adds it to the command line, its options bound to an
    // Options value the registry keeps; `run` is its handler, called only when it is chosen.
    // Subcommands are listed in --help in the order they are registered.
    template <class Options>
    void add(CLI::App *(*define)(CLI::App &, Options &), int (*run)(const Options &, const CommandContext &))
    {
        auto options = std::make_shared<Options>();
        CLI::App *command = define(app_, *options);
        entries_.push_back(
            Entry{command, [options, run](const CommandContext &context) { return run(*options, context); }});
    }

    // After parsing: runs the subcommand the command line chose and returns its exit code;
    // nullopt when none was chosen. What the handler throws is left to run_guarded.
    std::optional<int> run_chosen(const GlobalOptions &global) const;

private:
    struct Entry {
        CLI::App *command;
        std::function<int(const CommandContext &)> run;
    };

    CLI::App &app_;
    std::vector<Entry> entries_;
};

} // namespace redline::cli
