// Runs a program with stdout and stderr sent to unnamed temporary files: unlike two pipes,
// a chatty child can never block on a full one while the parent waits for it to exit.
#include "run_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

extern char **environ;

namespace redline::test {

namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE *)>;

File temporary_file()
{
    File file(std::tmpfile(), &std::fclose);
    if (!file)
        throw std::runtime_error(std::string("tmpfile: ") + std::strerror(errno));
    return file;
}

std::string contents(std::FILE *file)
{
    std::rewind(file);
    std::string text;
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        text.append(buffer, n);
    return text;
}

} // namespace

ProcessResult run_process(const std::vector<std::string> &argv)
{
    if (argv.empty())
        throw std::invalid_argument("run_process: no program");
    File out = temporary_file();
    File err = temporary_file();

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fileno(out.get()), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fileno(err.get()), STDERR_FILENO);

    std::vector<char *> args;
    for (const auto &arg : argv)
        args.push_back(const_cast<char *>(arg.c_str()));
    args.push_back(nullptr);

    pid_t pid;
    int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw std::runtime_error("cannot start " + argv.at(0) + ": " + std::strerror(rc));

    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));

    int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return ProcessResult{exit_code, contents(out.get()), contents(err.get())};
}

} // namespace redline::test
