// Connection profiles: a name for a libpq service or connection string, the environment it
// is meant to reach, and how the person proves presence there. Kept in config.toml.
#pragma once

#include "environment.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

enum class AuthMethod { pam, touchid, typed, none };

const char *auth_method_name(AuthMethod method);
std::optional<AuthMethod> parse_auth_method(std::string_view name);

// Touch ID where the platform has it, PAM (fingerprint, security key) everywhere else.
AuthMethod default_auth_method();

struct Profile {
    std::string name;
    // Exactly one of the two is set: libpq keeps the password (pg_service.conf, .pgpass).
    std::string service;
    std::string dsn;
    Environment environment = Environment::production;
    AuthMethod auth = default_auth_method();
    std::string pam_service = "redline";
    // What a token records of the PAM service, when its file does not say it (a module
    // redline does not know); empty: read from the service's configuration.
    std::vector<std::string> pam_amr;
    std::string key; // absolute path of a k4.secret file; empty: the default key
};

// Letters, digits, '_' and '-', 1 to 64 characters: a profile name is typed on command lines
// and is a TOML key, so it never needs quoting.
bool valid_profile_name(std::string_view name);

// What a profile must satisfy wherever it comes from: a valid name, exactly one of service
// and DSN, no password in the DSN, an auth method this platform has and that the environment
// allows, only registered RFC 8176 values in pam_amr. Throws std::runtime_error with a
// one-line reason that does not name the profile.
void validate_profile(const Profile &profile);

// The key file a profile may name: an existing regular file owned by this user, readable by
// nobody else (no group or other bits), holding a PASERK k4.secret. Checked when a profile is
// added rather than when one is loaded, so that a loosened key never locks a person out of
// `profile list` and `profile remove`. Throws std::runtime_error with a one-line reason.
void check_key_file(const std::filesystem::path &path);

// $XDG_CONFIG_HOME/redline/config.toml; creates the private directory that holds it.
std::filesystem::path config_file();

// The profiles in `file`, sorted by name; none when the file does not exist. Throws
// std::runtime_error naming the file (and the profile, when one is at fault) on anything
// it does not understand: an unknown key, a wrong type, an unknown environment or method.
std::vector<Profile> load_profiles(const std::filesystem::path &file);

// The profile called `name` in config_file(). Throws std::runtime_error that says how to list
// the profiles or add this one.
Profile find_profile(const std::string &name);

// Replaces `file` atomically with these profiles: a temporary file of mode 0600 in the same
// directory, renamed over it, so a crash leaves either the old file or the new one.
void save_profiles(const std::filesystem::path &file, const std::vector<Profile> &profiles);

} // namespace redline::cli
