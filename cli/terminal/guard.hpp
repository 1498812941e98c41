// The terminal while psql runs: painted as a PaintPlan says and put back as it was (its
// background, title and line settings), whether psql quit, crashed or was killed.
#pragma once

#include "terminal/paint.hpp"

#include <termios.h>

#include <optional>
#include <string>

namespace redline::cli {

class TerminalGuard {
public:
    // Remembers the line settings of stdin when it is a terminal; when the plan paints a
    // background, asks the terminal for its current one first; then paints.
    explicit TerminalGuard(PaintPlan plan);
    ~TerminalGuard() { restore(); }
    TerminalGuard(const TerminalGuard &) = delete;
    TerminalGuard &operator=(const TerminalGuard &) = delete;

    // Puts the terminal back; once. Best effort: a terminal that is gone is not an error.
    void restore() noexcept;

private:
    PaintPlan plan_;
    std::optional<std::string> previous_background_;
    std::optional<termios> modes_;
    bool restored_ = false;
};

// Asks the terminal on `fd` for its background colour (OSC 11 ?), waiting at most
// `timeout_ms` for a terminal that answers nothing; its spec, or nullopt.
std::optional<std::string> query_background(int fd, int timeout_ms);

} // namespace redline::cli
