// What a server says it is, asked over one libpq connection: the environment and cluster
// redline reports, and the role the session logged in as. The CLI trusts these over the
// profile, since a token must match the server that will check it.
#pragma once

#include "profiles/profile.hpp"

#include <string>

// libpq's connection, without its header: this one is included where libpq is not.
struct pg_conn;

namespace redline::cli {

struct ServerIdentity {
    std::string environment;  // redline.environment, as reported at connect (or SHOW)
    std::string cluster_id;   // SHOW redline.cluster_id: the system identifier, in decimal
    std::string session_user; // SELECT session_user; "" when not asked for
};

// Connects as `profile` says (libpq finds the password in ~/.pgpass or the service file)
// and reads the identity; the session user only when `with_session_user`. Throws
// std::runtime_error with one line that says what to check next.
ServerIdentity read_server_identity(const Profile &profile, bool with_session_user);

// The same, on a connection already opened with connect_profile.
ServerIdentity read_server_identity(pg_conn *conn, const Profile &profile, bool with_session_user);

} // namespace redline::cli
