// Runs a built program the way a shell would and captures what it says, for tests that
// drive the real binaries end to end.
#pragma once

#include <string>
#include <vector>

namespace redline::test {

struct ProcessResult {
    int exit_code; // the exit status, or 128 + the signal that ended the process
    std::string out;
    std::string err;
};

// argv[0] is the program's path. Throws std::runtime_error if it cannot be started.
ProcessResult run_process(const std::vector<std::string> &argv);

} // namespace redline::test
