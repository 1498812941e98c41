// redline status PROFILE: what the profile's server says redline enforces for a session of
// the profile's role (redline.status()), and a loud refusal when that server is not in the
// environment the profile was made for.
#pragma once

#include "app/app.hpp"
#include "environment.hpp"
#include "server/query.hpp"
#include "terminal/palette.hpp"

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace redline::cli {

// Exit codes: 0 shown; 1 error (profile, connection, redline not loaded); 3 the server's
// environment is not the profile's (exit_environment_differs).

struct StatusOptions {
    std::string profile;
    bool json = false;
};

struct StatusField {
    enum class Kind { text, boolean, number };
    std::string name;
    std::optional<std::string> value; // as the server sent it ("t", "f", "1000"); nullopt for NULL
    Kind kind = Kind::text;
};

struct StatusReport {
    std::string profile;
    Environment profile_environment = Environment::production;
    std::string connection; // the profile's service or DSN
    // false when this database has no redline.status() (no CREATE EXTENSION redline): the
    // fields are then only the settings SHOW reads.
    bool extension = true;
    std::vector<StatusField> fields;

    // The value of field `name`, or "" when it is absent or NULL.
    std::string value(const std::string &name) const;
};

// The fields of redline.status()'s one row, each typed by its column.
std::vector<StatusField> status_fields(const QueryRows &rows);

// The aligned listing (NULL and empty values as "-"), the environment in its colour, and a
// closing note when only the settings could be read. Ends with a newline.
std::string format_status(const StatusReport &report, const Palette &palette);

// The report as one JSON object: profile, profile_environment, extension,
// environment_matches and status (the fields, booleans and numbers as JSON ones).
std::string status_json(const StatusReport &report);

// The one-line warning when the server's environment is not the profile's; "" when it is.
std::string environment_mismatch(const StatusReport &report);

// Adds the subcommand.
CLI::App *define_status(CLI::App &app, StatusOptions &options);

// Returns the exit code. Throws CommandRefusal (exit_environment_differs) after the listing
// when the environments differ, std::runtime_error with a one-line reason (exit 1).
int run_status(const StatusOptions &options, const CommandContext &context);

} // namespace redline::cli
