// A query on a profile's connection that keeps everything the server said: the rows with
// their column names and types, or the error's SQLSTATE, detail and hint, and the notices,
// so a command can tell a person what the server refused and what to do next.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// libpq's connection handle, as libpq-fe.h declares it: callers need not include libpq.
typedef struct pg_conn PGconn;

namespace redline::cli {

// An error the server raised for a query (not a failed connection).
class QueryError : public std::runtime_error {
public:
    QueryError(std::string sqlstate, const std::string &message, std::string detail, std::string hint)
        : std::runtime_error(message), sqlstate(std::move(sqlstate)), detail(std::move(detail)), hint(std::move(hint))
    {
    }
    std::string sqlstate; // "42501"; "" when libpq gave none (the connection broke)
    std::string detail;
    std::string hint;
};

struct QueryRows {
    std::vector<std::string> columns;
    std::vector<unsigned> types;                               // each column's type oid: BOOLOID (16), INT4OID (23)...
    std::vector<std::vector<std::optional<std::string>>> rows; // nullopt for NULL
};

inline constexpr unsigned bool_oid = 16;
inline constexpr unsigned int8_oid = 20;
inline constexpr unsigned int2_oid = 21;
inline constexpr unsigned int4_oid = 23;
inline constexpr unsigned json_oid = 114;

// Runs `sql` (one statement, text results). Throws QueryError for anything but rows.
QueryRows run_query(PGconn *conn, const std::string &sql);

// Runs `sql` with $1, $2... bound to `params` (nullopt is NULL), sent apart from the
// statement (PQexecParams) so that no value is ever read as SQL. Throws QueryError.
QueryRows run_query(PGconn *conn, const std::string &sql, const std::vector<std::optional<std::string>> &params);

// Runs `sql`, a statement that returns no rows (BEGIN, COMMIT, SET). Throws QueryError.
void run_command(PGconn *conn, const std::string &sql);

// From now on, the primary message of every NOTICE or WARNING the server sends on `conn`
// is appended to `notices` (which must outlive the connection's use).
void collect_notices(PGconn *conn, std::vector<std::string> &notices);

// "host H port P, database D, user U", for --verbose.
std::string describe_connection(PGconn *conn);

} // namespace redline::cli
