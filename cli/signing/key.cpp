// Finds and reads a signing key. A person with one key never has to name it; a person with
// several is asked to choose rather than have one picked silently.
#include "signing/key.hpp"
#include "profiles/key_files.hpp"

#include <fmt/format.h>

#include <paserk.hpp>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace redline::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view secret_suffix = ".k4.secret";

bool is_secret_key_name(const std::string &name)
{
    return name.size() > secret_suffix.size() &&
           name.compare(name.size() - secret_suffix.size(), secret_suffix.size(), secret_suffix) == 0;
}

} // namespace

fs::path signing_key_file(const Profile &profile)
{
    if (!profile.key.empty())
        return profile.key;
    fs::path dir = keys_directory();
    fs::path own = dir / (default_key_label() + std::string(secret_suffix));
    std::error_code ec;
    if (fs::exists(own, ec))
        return own;
    std::vector<fs::path> found;
    for (const auto &entry : fs::directory_iterator(dir, ec))
        if (is_secret_key_name(entry.path().filename().string()))
            found.push_back(entry.path());
    if (ec)
        throw std::runtime_error(fmt::format("cannot list {}: {}", dir.string(), ec.message()));
    if (found.size() == 1)
        return found.front();
    if (found.empty())
        throw std::runtime_error(fmt::format(
            "no signing key in {}: create one with redline keygen and have a redline_admin enroll it", dir.string()));
    throw std::runtime_error(fmt::format("{} holds {} keys and profile \"{}\" names none: choose one with redline "
                                         "profile add {} --key FILE --replace (and its other options)",
                                         dir.string(), found.size(), profile.name, profile.name));
}

token::SecretKey read_signing_key(const fs::path &file)
{
    check_key_file(file);
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    auto secret = token::parse_paserk_secret(line);
    // Best effort: the line held the key in the clear.
    line.assign(line.size(), '\0');
    if (!secret)
        throw std::runtime_error(
            fmt::format("key {} does not hold a PASERK k4.secret (make one with redline keygen)", file.string()));
    return *secret;
}

} // namespace redline::cli
