// Where the CLI keeps a person's signing keys: $XDG_CONFIG_HOME/redline/keys (or
// ~/.config/redline/keys), a directory of mode 0700 holding secret keys of mode 0600.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace redline::cli {

// Where redline's own directory is, without creating or changing anything (redline doctor
// inspects it as it is). Throws std::runtime_error when neither XDG_CONFIG_HOME nor HOME is
// an absolute path.
std::filesystem::path config_directory_path();

// redline's own directory, $XDG_CONFIG_HOME/redline (or ~/.config/redline): profiles and
// keys live under it, so it is created (0700) if missing and tightened to 0700 if looser.
// Throws std::runtime_error with a one-line reason.
std::filesystem::path config_directory();

// The keys directory, created (0700) if missing and tightened to 0700 if it was looser.
// Throws std::runtime_error with a one-line reason.
std::filesystem::path keys_directory();

// A directory `name` inside redline's own directory (audit-pins), made private as the keys
// directory is. Throws std::runtime_error with a one-line reason.
std::filesystem::path private_subdirectory(std::string_view name);

// A label names a key file: letters, digits, '.', '_' and '-', 1 to 64 characters, not
// starting with '.'.
bool valid_label(std::string_view label);

// The label keygen gives a key when none is chosen: this machine's host name (up to its
// first dot, other characters made '-'), or "default". A profile that names no key file
// signs with the key of this label.
std::string default_key_label();

// Writes all of `content` to `fd`, through short writes and EINTR; false (errno set) on failure.
bool write_all(int fd, std::string_view content);

// Writes `content` to a new file `path` with exactly `mode`, refusing to replace an existing
// file or follow a link. Throws std::runtime_error with a one-line reason.
void write_new_file(const std::filesystem::path &path, std::string_view content, unsigned mode);

// Replaces `path` atomically with `content`: a temporary file of mode 0600 in the same
// directory, synced and renamed over it, so a crash leaves either the old file or the new one.
// Throws std::runtime_error with a one-line reason.
void replace_private_file(const std::filesystem::path &path, std::string_view content);

} // namespace redline::cli
