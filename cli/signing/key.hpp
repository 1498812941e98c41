// Which signing key a profile signs with, and reading it: the file the profile names, or
// else the key keygen made for this machine.
#pragma once

#include "profiles/profile.hpp"

#include <keys.hpp>

#include <filesystem>

namespace redline::cli {

// The k4.secret file for `profile`: its key when it names one; else, in the keys directory,
// the key labelled after this machine (keygen's default), or the only key there is. Throws
// std::runtime_error saying what to do when there is no key or several to choose from.
std::filesystem::path signing_key_file(const Profile &profile);

// The secret key in `file`, held to check_key_file's rules (owned by this user, mode 0600 or
// tighter, a PASERK k4.secret). Throws std::runtime_error with a one-line reason.
token::SecretKey read_signing_key(const std::filesystem::path &file);

} // namespace redline::cli
