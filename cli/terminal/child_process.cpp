// fork and exec with signals held back in between, so that no signal is lost or handled by
// the wrong process. The handler only calls kill(), which is async-signal-safe.
#include "terminal/child_process.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <iterator>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace redline::cli {

namespace {

volatile sig_atomic_t child_pid = 0;

extern "C" void pass_on(int signal)
{
    int saved = errno;
    pid_t pid = child_pid;
    if (pid > 0)
        ::kill(pid, signal);
    errno = saved;
}

constexpr int held[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP};

sigset_t held_set()
{
    sigset_t set;
    sigemptyset(&set);
    for (int signal : held)
        sigaddset(&set, signal);
    return set;
}

sigset_t saved_mask;
struct sigaction saved_actions[std::size(held)];

void set_action(int signal, void (*handler)(int))
{
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(signal, &action, nullptr);
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void become(const char *program, char *const *argv, char *const *envp, int report)
{
    for (int signal : held)
        set_action(signal, SIG_DFL);
    sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
    ::execve(program, argv, envp);
    int error = errno;
    while (::write(report, &error, sizeof error) < 0 && errno == EINTR) {
    }
    ::_exit(127);
}

int exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 1;
}

void wipe(std::vector<std::string> &strings)
{
    for (std::string &s : strings)
        std::memset(s.data(), 0, s.size());
}

} // namespace

SignalShield::SignalShield()
{
    sigset_t set = held_set();
    sigprocmask(SIG_BLOCK, &set, &saved_mask);
    for (std::size_t i = 0; i < std::size(held); ++i)
        sigaction(held[i], nullptr, &saved_actions[i]);
    // psql handles Ctrl-C and Ctrl-\ itself: the terminal sends them to its process group,
    // redline included, and redline must survive them to restore the terminal.
    set_action(SIGINT, SIG_IGN);
    set_action(SIGQUIT, SIG_IGN);
    set_action(SIGTERM, pass_on);
    set_action(SIGHUP, pass_on);
}

SignalShield::~SignalShield()
{
    sigset_t set = held_set();
    sigprocmask(SIG_BLOCK, &set, nullptr);
    child_pid = 0;
    for (std::size_t i = 0; i < std::size(held); ++i)
        sigaction(held[i], &saved_actions[i], nullptr);
    sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
}

int run_child(const std::string &program, const std::vector<std::string> &argv, std::vector<std::string> &environment)
{
    std::vector<char *> args;
    for (const std::string &arg : argv)
        args.push_back(const_cast<char *>(arg.c_str()));
    args.push_back(nullptr);
    std::vector<char *> envp;
    for (std::string &entry : environment)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    // exec closes the write end; a failed exec writes its errno there first.
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0)
        throw std::runtime_error(fmt::format("cannot start {}: {}", program, std::strerror(errno)));
    pid_t pid = ::fork();
    if (pid < 0) {
        int error = errno;
        ::close(report[0]);
        ::close(report[1]);
        throw std::runtime_error(fmt::format("cannot start {}: {}", program, std::strerror(error)));
    }
    if (pid == 0) {
        ::close(report[0]);
        become(program.c_str(), args.data(), envp.data(), report[1]);
    }
    ::close(report[1]);
    wipe(environment);
    child_pid = pid;
    sigset_t set = held_set();
    sigprocmask(SIG_UNBLOCK, &set, nullptr);

    int error = 0;
    ssize_t got;
    while ((got = ::read(report[0], &error, sizeof error)) < 0 && errno == EINTR) {
    }
    ::close(report[0]);

    // Wait without reaping, then stop passing signals on before reaping: a reaped child's
    // pid may belong to another process a moment later.
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
    }
    sigprocmask(SIG_BLOCK, &set, nullptr);
    child_pid = 0;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (got == static_cast<ssize_t>(sizeof error))
        throw std::runtime_error(fmt::format("cannot start {}: {}", program, std::strerror(error)));
    return exit_code(status);
}

} // namespace redline::cli
