// What a session of a profile would be on its server, asked before psql starts: the
// environment and colour the server reports at connect, its cluster and login role, and
// whether the session opens locked (redline.require_token, redline.exempt_roles).
#pragma once

#include "environment.hpp"
#include "profiles/profile.hpp"
#include "server/identity.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace redline::cli {

struct ServerSession {
    ServerIdentity identity; // environment, cluster id, login role (session_user)
    std::string color;       // redline.color as reported; "" when the server reports none
    TokenRequirement require_token = TokenRequirement::none;
    bool exempt = false;      // the login role is in redline.exempt_roles
    bool locked = false;      // a session without a token opens locked (read-only, or gated)
    bool from_status = false; // read from redline.status(), rather than from the settings
};

// Connects once with the profile. redline.status() answers where the extension exists in
// the profile's database; elsewhere SHOW answers (redline guards every database of a
// cluster that preloads it). Throws std::runtime_error with one line on failure.
ServerSession read_server_session(const Profile &profile);

// SHOW redline.require_token: "auto" means the environment's default. nullopt for a value
// this version does not know.
std::optional<TokenRequirement> token_requirement(std::string_view shown, Environment environment);

// Whether `role` is named in `list`, a redline.exempt_roles value: comma-separated names,
// folded to lower case unless double-quoted, as the server reads it.
bool role_listed(std::string_view list, std::string_view role);

} // namespace redline::cli
