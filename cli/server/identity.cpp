// Reads the server's identity with libpq: what redline reports at connect, and what SHOW and
// session_user say.
#include "server/identity.hpp"
#include "server/connection.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>

namespace redline::cli {

ServerIdentity read_server_identity(const Profile &profile, bool with_session_user)
{
    PqConnection conn = connect_profile(profile);
    return read_server_identity(conn.get(), profile, with_session_user);
}

ServerIdentity read_server_identity(pg_conn *conn, const Profile &profile, bool with_session_user)
{
    ServerIdentity identity;
    std::string error;
    // redline marks the setting GUC_REPORT, so the server said it at connect; SHOW remains
    // for a connection through something that drops ParameterStatus messages.
    const char *reported = PQparameterStatus(conn, "redline.environment");
    auto environment = reported != nullptr ? std::optional<std::string>(reported)
                                           : single_value(conn, "SHOW redline.environment", error);
    if (!environment)
        throw std::runtime_error(
            fmt::format("the server of profile \"{}\" does not report redline.environment ({}): redline must be in "
                        "its shared_preload_libraries before it can check a token",
                        profile.name, error));
    identity.environment = *environment;
    auto cluster_id = single_value(conn, "SHOW redline.cluster_id", error);
    if (!cluster_id)
        throw std::runtime_error(
            fmt::format("the server of profile \"{}\" does not report redline.cluster_id ({}): upgrade redline there",
                        profile.name, error));
    identity.cluster_id = *cluster_id;
    if (with_session_user) {
        auto user = single_value(conn, "SELECT session_user", error);
        if (!user)
            throw std::runtime_error(fmt::format("cannot read the session's role: {}", error));
        identity.session_user = *user;
    }
    return identity;
}

} // namespace redline::cli
