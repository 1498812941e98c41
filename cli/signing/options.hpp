// The options every command that signs a token shares (token, connect): how long the token
// lasts and how the person confirms presence, defined once so they read and check alike.
#pragma once

#include "profiles/profile.hpp"

#include <string>

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace redline::cli {

// --ttl DURATION, checked with parse_token_ttl while the command line is parsed.
CLI::Option *add_ttl_option(CLI::App &command, std::string &ttl);

// --auth METHOD: overrides the profile's method for one run.
CLI::Option *add_auth_option(CLI::App &command, std::string &auth);

// The method to confirm presence with: `chosen` when the command line gave one, else the
// profile's. Throws std::runtime_error for a name that is not a method.
AuthMethod auth_method_for(const Profile &profile, const std::string &chosen);

} // namespace redline::cli
