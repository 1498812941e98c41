// A command's refusal before it acts: its own exit code and one line for stderr, in the
// danger colour when the person may be about to act on the wrong server.
#pragma once

#include "terminal/palette.hpp"

#include <stdexcept>
#include <string>

namespace redline::cli {

class CommandRefusal : public std::runtime_error {
public:
    // `statement`, when given, is shown indented on a second line: what a person can run instead.
    CommandRefusal(int exit_code, const std::string &message, bool danger = false, std::string statement = {});

    int exit_code() const noexcept { return exit_code_; }
    bool danger() const noexcept { return danger_; }
    const std::string &statement() const noexcept { return statement_; }

private:
    int exit_code_;
    bool danger_;
    std::string statement_;
};

// Writes "redline: <message>" (and the statement, if any) on stderr and returns the refusal's
// exit code.
int report_refusal(const CommandRefusal &refusal, const Palette &palette);

} // namespace redline::cli
