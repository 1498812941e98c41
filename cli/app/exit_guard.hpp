// The one place a run of redline ends: whatever the command line or a subcommand throws
// becomes an exit code and one line on stderr, never an abort with a core dump.
#pragma once

#include "app/app.hpp"

#include <functional>

namespace CLI {
class App;
}

namespace redline::cli {

// Runs `body` (parse `app`'s command line, run the chosen subcommand) and returns its exit
// code. What it throws is caught in layers, the most specific first:
//   CLI::ParseError   CLI11's own: --help and --version print and give 0; a mistake on the
//                     command line prints one line and gives 100 or more
//   CommandRefusal    (PresenceRefused is one) its own exit code; "redline: <message>", in the
//                     danger colour when it warns of the wrong server, then the statement to
//                     run instead, if it names one
//   std::exception    1; "redline: <what>": for a server's error (QueryError) or a failed
//                     connection, what the server or libpq said
//   anything else     1; "redline: unexpected error"
// Colours follow `global` as the command line left it.
int run_guarded(const CLI::App &app, const GlobalOptions &global, const std::function<int()> &body) noexcept;

} // namespace redline::cli
