// Every exit status redline documents, in one place: the subcommands' --help footers and the
// README name these numbers, and scripts act on them.
#pragma once

namespace redline::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_error = 1;               // any other error; one line on stderr says what
inline constexpr int exit_method_unavailable = 2;  // the auth method is not available here
inline constexpr int exit_environment_differs = 3; // the server is not in the profile's environment
inline constexpr int exit_not_confirmed = 4;       // the person check did not pass
inline constexpr int exit_server_refused = 5;      // the server refused the enrolment (enroll)
inline constexpr int exit_audit_tampered = 6;      // audit --verify found the log tampered with
// 100 and above: a mistake on the command line, numbered by CLI11 (CLI::ExitCodes).

} // namespace redline::cli
