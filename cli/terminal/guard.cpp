// Writes the paint and restore sequences to the terminal and reads its answer to the
// background query. The query runs in non-canonical mode without echo, so that the answer
// is neither shown nor left for psql to read as typed input.
#include "terminal/guard.hpp"
#include "profiles/key_files.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <string_view>
#include <unistd.h>

namespace redline::cli {

namespace {

// A terminal that does not answer within this long never will; one that does answers in
// far less, even over ssh, and the device-attributes reply ends the wait early.
constexpr int query_timeout_ms = 500;

// Changing the terminal's settings from a background process group would stop redline with
// SIGTTOU; it is ignored for the moment of the change.
void set_modes(int fd, const termios &modes)
{
    struct sigaction ignore {};
    struct sigaction saved {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGTTOU, &ignore, &saved);
    while (::tcsetattr(fd, TCSANOW, &modes) != 0 && errno == EINTR) {
    }
    sigaction(SIGTTOU, &saved, nullptr);
}

// Reading the terminal from a background process group would stop redline with SIGTTIN.
bool in_background(int fd)
{
    pid_t foreground = ::tcgetpgrp(fd);
    return foreground != -1 && foreground != ::getpgrp();
}

} // namespace

std::optional<std::string> query_background(int fd, int timeout_ms)
{
    termios saved{};
    if (in_background(fd) || ::tcgetattr(fd, &saved) != 0)
        return std::nullopt;
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    quiet.c_cc[VMIN] = 0;
    quiet.c_cc[VTIME] = 0;
    set_modes(fd, quiet);
    (void)write_all(fd, background_query);

    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms);
    std::string answers;
    while (!answers_complete(answers) && answers.size() < 4096) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0)
            break;
        pollfd wait{fd, POLLIN, 0};
        int ready = ::poll(&wait, 1, static_cast<int>(left));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        char buffer[256];
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        answers.append(buffer, static_cast<std::size_t>(n));
    }
    set_modes(fd, saved);
    return background_reply(answers);
}

TerminalGuard::TerminalGuard(PaintPlan plan) : plan_(std::move(plan))
{
    termios modes{};
    if (::isatty(STDIN_FILENO) == 1 && ::tcgetattr(STDIN_FILENO, &modes) == 0)
        modes_ = modes;
    if (plan_.background) {
        int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (tty >= 0) {
            previous_background_ = query_background(tty, query_timeout_ms);
            ::close(tty);
        }
    }
    (void)write_all(STDOUT_FILENO, paint_sequence(plan_));
}

void TerminalGuard::restore() noexcept
{
    if (restored_)
        return;
    restored_ = true;
    // psql (readline) leaves the line in raw mode when it is killed.
    if (modes_)
        set_modes(STDIN_FILENO, *modes_);
    try {
        // A terminal that is gone (SIGHUP) takes nothing: there is nothing left to restore.
        (void)write_all(STDOUT_FILENO, restore_sequence(plan_, previous_background_));
    } catch (...) {
        // Out of memory while building a few bytes: nothing more to do.
    }
}

} // namespace redline::cli
