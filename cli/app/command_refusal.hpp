// A command's refusal before it acts: its own exit code and one line for stderr, in the
// danger colour when the person may be about to act on the wrong server.
#pragma once

#include "terminal/palette.hpp"

#include <string>

namespace redline::cli {

struct CommandRefusal {
    int code;
    std::string message;
    bool danger = false;
};

// Writes "redline: <message>" on stderr and returns the refusal's exit code.
int report_refusal(const CommandRefusal &refusal, const Palette &palette);

} // namespace redline::cli
