// Each failure is reported once, here, so a subcommand throws instead of printing and exiting
// on its own. Reporting a failure can itself fail (no memory): the outer layer still ends the
// run with one line and exit 1.
#include "app/exit_guard.hpp"
#include "app/command_refusal.hpp"
#include "app/exit_codes.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

namespace redline::cli {

int run_guarded(const CLI::App &app, const GlobalOptions &global, const std::function<int()> &body) noexcept
{
    try {
        try {
            return body();
        } catch (const CLI::ParseError &e) {
            return app.exit(e);
        } catch (const CommandRefusal &refusal) {
            return report_refusal(refusal, palette_for(global.color));
        } catch (const std::exception &e) {
            std::fputs((std::string("redline: ") + e.what() + "\n").c_str(), stderr);
            return exit_error;
        }
    } catch (...) {
        std::fputs("redline: unexpected error\n", stderr);
        return exit_error;
    }
}

} // namespace redline::cli
