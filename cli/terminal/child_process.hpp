// psql as a child of redline, so that redline outlives it and puts the terminal back however
// it ends. While it runs, Ctrl-C and Ctrl-\ are psql's alone (the terminal sends them to
// both; redline ignores them), and SIGTERM and SIGHUP sent to redline are passed on to psql.
#pragma once

#include <string>
#include <vector>

namespace redline::cli {

// Holds back SIGINT, SIGQUIT, SIGTERM and SIGHUP from construction (before the terminal is
// painted) until run_child has a child to pass them to; puts the signal mask and handlers
// back when destroyed. One at a time per process.
class SignalShield {
public:
    SignalShield();
    ~SignalShield();
    SignalShield(const SignalShield &) = delete;
    SignalShield &operator=(const SignalShield &) = delete;
};

// Runs `program` with `argv` and `environment` (NAME=value) under a live SignalShield and
// waits for it. Returns its exit status, or 128 + the signal that ended it. Throws
// std::runtime_error when it cannot be started. The environment copies given to the child
// are wiped from this process once it has started.
int run_child(const std::string &program, const std::vector<std::string> &argv, std::vector<std::string> &environment);

} // namespace redline::cli
