// Defines the top-level redline command. The version comes from the extension's control
// file through the build, so the CLI and the extension always name the same release.
#include "app/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <map>
#include <string>

namespace redline::cli {

namespace {

// One line, so that a script or a person sees the whole error at once.
std::string one_line_failure(const CLI::App *app, const CLI::Error &e)
{
    return fmt::format("{}: {} (see {} --help)\n", app->get_name(), e.what(), app->get_name());
}

} // namespace

void define_app(CLI::App &app, GlobalOptions &options)
{
    app.name("redline");
    app.description("redline: production PostgreSQL, safe from human error by default");
    app.set_version_flag("-V,--version", "redline " REDLINE_VERSION, "Print the version and exit");
    app.failure_message(one_line_failure);

    static const std::map<std::string, ColorMode> modes{
        {"auto", ColorMode::automatic},
        {"always", ColorMode::always},
        {"never", ColorMode::never},
    };
    app.add_option_function<std::string>(
           "--color", [&options](const std::string &value) { options.color = modes.at(value); },
           "When to use colour; auto means on a terminal, unless NO_COLOR is set or TERM=dumb")
        ->check(CLI::IsMember(modes))
        ->type_name("WHEN")
        ->default_str("auto");
    // Global options are also understood after a subcommand: redline status prod --verbose.
    app.fallthrough();
    app.add_flag("-v,--verbose", options.verbose,
                 "Say on stderr what is read and connected to: profile, server, signing key, service files");
}

} // namespace redline::cli
