// One libpq connection opened the way a profile says, for the commands that ask a server
// something before they act, and the small helpers that keep libpq's failures one line.
#pragma once

#include "profiles/profile.hpp"

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>

namespace redline::cli {

struct PqFinish {
    void operator()(PGconn *conn) const { PQfinish(conn); }
};
struct PqClear {
    void operator()(PGresult *res) const { PQclear(res); }
};
using PqConnection = std::unique_ptr<PGconn, PqFinish>;
using PqResult = std::unique_ptr<PGresult, PqClear>;

// The libpq connection string of a profile: "service=NAME", or its DSN.
std::string profile_conninfo(const Profile &profile);

// libpq's messages span lines (a hint on a second, tab-indented line): joined into one.
std::string one_line(const char *message);

// Connects as `profile` says (libpq finds the password in ~/.pgpass or the service file).
// The connection presents no session token, even when PGOPTIONS carries one: asking a server
// a question must never spend a token meant for the session that follows; its notices are
// not shown. A command that must write (to try a statement it then rolls back) presents
// `session_token` instead, at connect, where no statement log sees it. Throws
// std::runtime_error with one line that says what to check next.
PqConnection connect_profile(const Profile &profile, const std::string &session_token = {});

// connect_profile(profile), saying on stderr when `verbose` what it connects with and to.
PqConnection connect_profile_verbosely(const Profile &profile, bool verbose);

// The single value `query` returns, or nullopt with `error` set to the server's one line.
std::optional<std::string> single_value(PGconn *conn, const char *query, std::string &error);

} // namespace redline::cli
