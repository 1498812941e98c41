// The top-level command line: what redline is, its version, and the options that every
// subcommand shares. main() parses with it; the tests parse with it in-process.
#pragma once

#include "terminal/palette.hpp"

namespace CLI {
class App;
}

namespace redline::cli {

struct GlobalOptions {
    ColorMode color = ColorMode::automatic;
    bool verbose = false; // say on stderr what is read and what is connected to
};

// What every subcommand's handler is given besides its own options.
struct CommandContext {
    GlobalOptions global;
    Palette palette; // the colours the command line chose (--color, NO_COLOR, a terminal or not)
};

void define_app(CLI::App &app, GlobalOptions &options);

} // namespace redline::cli
