// Entry point of the redline CLI. Nothing escapes main(): every failure ends as one line on
// stderr and an exit code, never as an abort with a core dump.
#include "app/app.hpp"
#include "app/command_registry.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>

int main(int argc, char **argv) noexcept
{
    // The handlers below use C stdio only: a throw from inside one would end in std::terminate.
    try {
        redline::cli::GlobalOptions options;
        CLI::App app;
        redline::cli::define_app(app, options);
        redline::cli::Commands commands;
        redline::cli::define_commands(app, commands);
        try {
            app.parse(argc, argv);
        } catch (const CLI::ParseError &e) {
            return app.exit(e);
        }
        if (int code = redline::cli::run_chosen(commands, options); code >= 0)
            return code;
        // No subcommand chosen: show what there is rather than do nothing silently.
        std::cout << app.help();
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "redline: %s\n", e.what());
        return 1;
    } catch (...) {
        std::fputs("redline: unexpected error\n", stderr);
        return 1;
    }
}
