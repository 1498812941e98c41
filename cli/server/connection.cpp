// Opens a profile's connection with libpq and reads single values from it.
#include "server/connection.hpp"
#include "server/query.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <stdexcept>

namespace redline::cli {

namespace {

void ignore_notice(void *, const char *) {}

} // namespace

std::string profile_conninfo(const Profile &profile)
{
    return profile.service.empty() ? profile.dsn : "service=" + profile.service;
}

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

PqConnection connect_profile(const Profile &profile, const std::string &session_token)
{
    // A token is base64url and dots: anything else could smuggle in options of its own.
    if (session_token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") !=
        std::string::npos)
        throw std::runtime_error("the session token holds characters no token has: pass it exactly as redline token "
                                 "printed it");
    std::string conninfo = profile_conninfo(profile);
    std::string options = "-c redline.session_token=" + session_token;
    // dbname expands a whole connection string or URI; a DSN that names its own
    // application_name keeps it. options comes after it and replaces PGOPTIONS (an empty
    // value would let libpq fall back to PGOPTIONS, hence the explicit empty token).
    const char *keywords[] = {"dbname", "fallback_application_name", "options", nullptr};
    const char *values[] = {conninfo.c_str(), "redline", options.c_str(), nullptr};
    PqConnection conn(PQconnectdbParams(keywords, values, 1));
    if (conn == nullptr)
        throw std::runtime_error("out of memory while connecting");
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(fmt::format("cannot connect with profile \"{}\" ({}): {}; check the server, the "
                                             "profile (redline profile list) and ~/.pgpass",
                                             profile.name, conninfo, one_line(PQerrorMessage(conn.get()))));
    // The server's notices (production's banner on a first statement) are for the person's
    // own session, not for the questions redline asks before it.
    PQsetNoticeProcessor(conn.get(), ignore_notice, nullptr);
    return conn;
}

PqConnection connect_profile_verbosely(const Profile &profile, bool verbose)
{
    if (verbose)
        std::fputs(
            fmt::format("redline: connecting with profile {} ({})\n", profile.name, profile_conninfo(profile)).c_str(),
            stderr);
    PqConnection conn = connect_profile(profile);
    if (verbose)
        std::fputs(fmt::format("redline: connected to {}\n", describe_connection(conn.get())).c_str(), stderr);
    return conn;
}

std::optional<std::string> single_value(PGconn *conn, const char *query, std::string &error)
{
    PqResult res(PQexec(conn, query));
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK || PQntuples(res.get()) != 1 || PQnfields(res.get()) != 1 ||
        PQgetisnull(res.get(), 0, 0)) {
        const char *primary = PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY);
        error = one_line(primary != nullptr ? primary : PQerrorMessage(conn));
        return std::nullopt;
    }
    return std::string(PQgetvalue(res.get(), 0, 0));
}

} // namespace redline::cli
