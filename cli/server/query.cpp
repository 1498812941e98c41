// libpq's result and notice plumbing behind run_query and collect_notices. Every message is
// one line, as the rest of the CLI writes them.
#include "server/query.hpp"
#include "server/connection.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

namespace redline::cli {

namespace {

std::string field(const PGresult *res, int code)
{
    const char *value = PQresultErrorField(res, code);
    return value != nullptr ? one_line(value) : "";
}

void receive_notice(void *arg, const PGresult *res)
{
    auto *notices = static_cast<std::vector<std::string> *>(arg);
    notices->push_back(field(res, PG_DIAG_MESSAGE_PRIMARY));
}

QueryError error_of(PGconn *conn, const PqResult &res)
{
    std::string primary = field(res.get(), PG_DIAG_MESSAGE_PRIMARY);
    return QueryError(field(res.get(), PG_DIAG_SQLSTATE), primary.empty() ? one_line(PQerrorMessage(conn)) : primary,
                      field(res.get(), PG_DIAG_MESSAGE_DETAIL), field(res.get(), PG_DIAG_MESSAGE_HINT));
}

QueryRows rows_of(PGconn *conn, const PqResult &res)
{
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK)
        throw error_of(conn, res);
    QueryRows rows;
    int columns = PQnfields(res.get());
    for (int c = 0; c < columns; ++c) {
        rows.columns.emplace_back(PQfname(res.get(), c));
        rows.types.push_back(PQftype(res.get(), c));
    }
    for (int r = 0; r < PQntuples(res.get()); ++r) {
        std::vector<std::optional<std::string>> row;
        for (int c = 0; c < columns; ++c)
            row.push_back(PQgetisnull(res.get(), r, c) ? std::nullopt
                                                       : std::optional<std::string>(PQgetvalue(res.get(), r, c)));
        rows.rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace

QueryRows run_query(PGconn *conn, const std::string &sql) { return rows_of(conn, PqResult(PQexec(conn, sql.c_str()))); }

QueryRows run_query(PGconn *conn, const std::string &sql, const std::vector<std::optional<std::string>> &params)
{
    std::vector<const char *> values;
    for (const auto &param : params)
        values.push_back(param ? param->c_str() : nullptr);
    // Types left to the server: each $n is cast where the statement needs a type.
    PqResult res(
        PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
    return rows_of(conn, res);
}

void run_command(PGconn *conn, const std::string &sql)
{
    PqResult res(PQexec(conn, sql.c_str()));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
        throw error_of(conn, res);
}

void collect_notices(PGconn *conn, std::vector<std::string> &notices)
{
    PQsetNoticeReceiver(conn, receive_notice, &notices);
}

std::string describe_connection(PGconn *conn)
{
    const char *host = PQhost(conn);
    return fmt::format("host {} port {}, database {}, user {}", host != nullptr && *host != '\0' ? host : "(default)",
                       PQport(conn), PQdb(conn), PQuser(conn));
}

} // namespace redline::cli
