// The key directory and files: created with their final modes from the first byte, so a
// secret key is never readable by anyone else, not even for a moment.
#include "profiles/key_files.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace redline::cli {

namespace {

[[noreturn]] void fail(const std::string &what, int err)
{
    throw std::runtime_error(fmt::format("{}: {}", what, std::strerror(err)));
}

void ensure_private_directory(const std::filesystem::path &dir)
{
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        fail(fmt::format("cannot create {}", dir.string()), errno);
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0)
        fail(fmt::format("cannot inspect {}", dir.string()), errno);
    if (!S_ISDIR(st.st_mode))
        throw std::runtime_error(fmt::format("{} is not a directory", dir.string()));
    if (st.st_uid != ::geteuid())
        throw std::runtime_error(fmt::format("{} belongs to another user", dir.string()));
    if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0)
        fail(fmt::format("cannot make {} private", dir.string()), errno);
}

} // namespace

std::filesystem::path config_directory_path()
{
    const char *xdg = std::getenv("XDG_CONFIG_HOME");
    const char *home = std::getenv("HOME");
    if (xdg != nullptr && xdg[0] == '/')
        return std::filesystem::path(xdg) / "redline";
    if (home != nullptr && home[0] == '/')
        return std::filesystem::path(home) / ".config" / "redline";
    throw std::runtime_error(
        "neither XDG_CONFIG_HOME nor HOME is an absolute path: nowhere to keep redline's configuration");
}

std::filesystem::path config_directory()
{
    std::filesystem::path dir = config_directory_path();
    if (::mkdir(dir.parent_path().c_str(), 0700) != 0 && errno != EEXIST)
        fail(fmt::format("cannot create {}", dir.parent_path().string()), errno);
    ensure_private_directory(dir);
    return dir;
}

std::filesystem::path keys_directory() { return private_subdirectory("keys"); }

std::filesystem::path private_subdirectory(std::string_view name)
{
    std::filesystem::path dir = config_directory() / name;
    ensure_private_directory(dir);
    return dir;
}

bool valid_label(std::string_view label)
{
    if (label.empty() || label.size() > 64 || label.front() == '.')
        return false;
    for (char c : label) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
        if (!ok)
            return false;
    }
    return true;
}

std::string default_key_label()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "default";
    std::string label;
    for (const char *c = name; *c != '\0' && *c != '.' && label.size() < 64; ++c)
        label += valid_label(std::string(1, *c)) ? *c : '-';
    return valid_label(label) ? label : "default";
}

bool write_all(int fd, std::string_view content)
{
    const char *p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

void write_new_file(const std::filesystem::path &path, std::string_view content, unsigned mode)
{
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        if (errno == EEXIST)
            throw std::runtime_error(fmt::format("{} already exists; choose another --label", path.string()));
        fail(fmt::format("cannot create {}", path.string()), errno);
    }
    // The umask may have taken bits away; set exactly what was asked.
    bool ok = ::fchmod(fd, mode) == 0 && write_all(fd, content);
    ok = ok && ::fsync(fd) == 0;
    int err = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        fail(fmt::format("cannot write {}", path.string()), err);
    }
}

void replace_private_file(const std::filesystem::path &path, std::string_view content)
{
    // mkstemp creates the file 0600 whatever the umask, and in the same directory, so that
    // rename() replaces the file in one step on the same file system.
    std::string temp = (path.parent_path() / (path.filename().string() + ".XXXXXX")).string();
    int fd = ::mkstemp(temp.data());
    if (fd < 0)
        fail(fmt::format("cannot write in {}", path.parent_path().string()), errno);
    bool ok = ::fchmod(fd, 0600) == 0 && write_all(fd, content);
    ok = ok && ::fsync(fd) == 0;
    int err = ok ? 0 : errno;
    if (::close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && ::rename(temp.c_str(), path.c_str()) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        ::unlink(temp.c_str());
        fail(fmt::format("cannot write {}", path.string()), err);
    }
    // The rename itself is durable only once the directory is.
    int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

} // namespace redline::cli
