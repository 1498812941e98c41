// Reads the server's identity with libpq. libpq's messages span lines (a hint on a second,
// tab-indented line); they are joined so every failure stays one line.
#include "server_identity.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <stdexcept>

namespace redline::cli {

namespace {

struct ConnectionClose {
    void operator()(PGconn *conn) const { PQfinish(conn); }
};
struct ResultClear {
    void operator()(PGresult *res) const { PQclear(res); }
};
using Connection = std::unique_ptr<PGconn, ConnectionClose>;
using Result = std::unique_ptr<PGresult, ResultClear>;

std::string one_line(const char *message)
{
    std::string out;
    bool space = false;
    for (const char *c = message != nullptr ? message : ""; *c != '\0'; ++c) {
        bool blank = *c == '\n' || *c == '\r' || *c == '\t' || *c == ' ';
        if (blank) {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += *c;
    }
    return out.empty() ? "unknown error" : out;
}

// The single value `query` returns, or nullopt with `error` set.
std::optional<std::string> single_value(PGconn *conn, const char *query, std::string &error)
{
    Result res(PQexec(conn, query));
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK || PQntuples(res.get()) != 1 || PQnfields(res.get()) != 1 ||
        PQgetisnull(res.get(), 0, 0)) {
        const char *primary = PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY);
        error = one_line(primary != nullptr ? primary : PQerrorMessage(conn));
        return std::nullopt;
    }
    return std::string(PQgetvalue(res.get(), 0, 0));
}

} // namespace

std::string profile_conninfo(const Profile &profile)
{
    return profile.service.empty() ? profile.dsn : "service=" + profile.service;
}

ServerIdentity read_server_identity(const Profile &profile, bool with_session_user)
{
    std::string conninfo = profile_conninfo(profile);
    // dbname expands a whole connection string or URI; a DSN that names its own
    // application_name keeps it.
    const char *keywords[] = {"dbname", "fallback_application_name", nullptr};
    const char *values[] = {conninfo.c_str(), "redline", nullptr};
    Connection conn(PQconnectdbParams(keywords, values, 1));
    if (conn == nullptr)
        throw std::runtime_error("out of memory while connecting");
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(fmt::format("cannot connect with profile \"{}\" ({}): {}; check the server, the "
                                             "profile (redline profile list) and ~/.pgpass",
                                             profile.name, conninfo, one_line(PQerrorMessage(conn.get()))));

    ServerIdentity identity;
    std::string error;
    auto environment = single_value(conn.get(), "SHOW redline.environment", error);
    if (!environment)
        throw std::runtime_error(
            fmt::format("the server of profile \"{}\" does not report redline.environment ({}): redline must be in "
                        "its shared_preload_libraries before it can check a token",
                        profile.name, error));
    identity.environment = *environment;
    auto cluster_id = single_value(conn.get(), "SHOW redline.cluster_id", error);
    if (!cluster_id)
        throw std::runtime_error(
            fmt::format("the server of profile \"{}\" does not report redline.cluster_id ({}): upgrade redline there",
                        profile.name, error));
    identity.cluster_id = *cluster_id;
    if (with_session_user) {
        auto user = single_value(conn.get(), "SELECT session_user", error);
        if (!user)
            throw std::runtime_error(fmt::format("cannot read the session's role: {}", error));
        identity.session_user = *user;
    }
    return identity;
}

} // namespace redline::cli
