// Entry point of the redline CLI. Nothing escapes main(): parsing and the chosen subcommand
// run inside run_guarded, where every failure ends as one line on stderr and an exit code.
#include "app/app.hpp"
#include "app/command_registry.hpp"
#include "app/exit_guard.hpp"
#include "commands/command_table.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>

int main(int argc, char **argv) noexcept
{
    using namespace redline::cli;
    // Only building the command line can throw out here (out of memory, an option defined
    // twice); C stdio only, so that the handlers below cannot throw again.
    try {
        GlobalOptions global;
        CLI::App app;
        define_app(app, global);
        CommandRegistry commands(app);
        register_commands(commands);
        return run_guarded(app, global, [&] {
            app.parse(argc, argv);
            if (std::optional<int> code = commands.run_chosen(global))
                return *code;
            // No subcommand chosen: show what there is rather than do nothing silently.
            std::cout << app.help();
            return 0;
        });
    } catch (const std::exception &e) {
        std::fprintf(stderr, "redline: %s\n", e.what());
        return 1;
    } catch (...) {
        std::fputs("redline: unexpected error\n", stderr);
        return 1;
    }
}
