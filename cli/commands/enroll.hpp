// redline enroll PROFILE --role ROLE: the statement that enrolls this person's signing key on
// the profile's server, printed to send to a DBA, or run with --execute by a redline_admin.
#pragma once

#include "app/app.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace redline::cli {

// Exit codes besides 0 (printed or enrolled) and 1 (any other error): 3 the server's
// environment is not the profile's, as for token; 5 the server refused the enrolment
// (exit_environment_differs, exit_server_refused in app/exit_codes.hpp).

struct EnrollOptions {
    std::string profile;
    std::string role;
    std::string key;   // empty: the key the profile signs with
    std::string label; // empty: the key file's label
    bool execute = false;
};

// SELECT redline.enroll_key('role', 'k4.public…', 'label'); with every value quoted as a SQL
// literal, so that a role or label holding a quote or a backslash stays one value.
std::string enroll_statement(std::string_view role, std::string_view public_key, std::string_view label);

// The label in a key file's name: "laptop" for …/laptop.k4.secret, else the name itself.
std::string key_file_label(const std::filesystem::path &file);

// What a person does after the server refused enroll_key with `sqlstate`; the server's own
// hint when redline has nothing better to say.
std::string enroll_refusal_advice(std::string_view sqlstate, const std::string &server_hint);

// Adds the subcommand.
CLI::App *define_enroll(CLI::App &app, EnrollOptions &options);

// Returns the exit code. Throws CommandRefusal with its own exit code, std::runtime_error
// with a one-line reason (exit 1).
int run_enroll(const EnrollOptions &options, const CommandContext &context);

} // namespace redline::cli
