// Everything runs inside the transaction the constructor opens; the statements tried are
// refused transaction control before they get here (is_transaction_control), and after
// each one the transaction is checked to be still open.
#include "server/trial_transaction.hpp"
#include "server/connection.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <stdexcept>

namespace redline::cli {

namespace {

constexpr const char *savepoint = "SAVEPOINT redline_request";
constexpr const char *release = "RELEASE SAVEPOINT redline_request";
constexpr const char *back_to_savepoint = "ROLLBACK TO SAVEPOINT redline_request";

std::string field(const PGresult *res, int code)
{
    const char *value = PQresultErrorField(res, code);
    return value != nullptr ? value : "";
}

ServerError error_of(PGconn *conn, const PGresult *res)
{
    ServerError e;
    if (res != nullptr) {
        e.sqlstate = field(res, PG_DIAG_SQLSTATE);
        e.message = field(res, PG_DIAG_MESSAGE_PRIMARY);
        e.detail = field(res, PG_DIAG_MESSAGE_DETAIL);
        e.hint = field(res, PG_DIAG_MESSAGE_HINT);
    }
    if (e.message.empty())
        e.message = one_line(PQerrorMessage(conn));
    return e;
}

} // namespace

TrialTransaction::TrialTransaction(PGconn *conn) : conn_(conn)
{
    run("BEGIN");
    open_ = true;
    run("SET LOCAL redline.approval_token = ''");
    run(fmt::format("SET LOCAL lock_timeout = '{}'", trial_lock_timeout).c_str());
}

TrialTransaction::~TrialTransaction()
{
    if (open_)
        PqResult(PQexec(conn_, "ROLLBACK"));
}

void TrialTransaction::run(const char *command)
{
    PqResult res(PQexec(conn_, command));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
        throw std::runtime_error(
            fmt::format("{} failed: {}", command, one_line(error_of(conn_, res.get()).message.c_str())));
}

void TrialTransaction::require_open(const char *after)
{
    if (PQtransactionStatus(conn_) != PQTRANS_INTRANS)
        throw std::runtime_error(fmt::format("the trial transaction is no longer open after {}: stopping; check the "
                                             "connection and what the statements did",
                                             after));
}

std::optional<ServerError> TrialTransaction::attempt(const std::string &statement)
{
    run(savepoint);
    if (PQsendQueryParams(conn_, statement.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
        throw std::runtime_error(fmt::format("cannot send the statement: {}", one_line(PQerrorMessage(conn_))));
    // Rows one at a time, dropped as they come: a SELECT in a script costs no memory here.
    PQsetSingleRowMode(conn_);
    std::optional<ServerError> error;
    while (PGresult *raw = PQgetResult(conn_)) {
        PqResult res(raw);
        switch (PQresultStatus(raw)) {
        case PGRES_COPY_IN:
            PQputCopyEnd(conn_, "redline request sends no COPY data");
            break;
        case PGRES_COPY_OUT: {
            char *row = nullptr;
            while (PQgetCopyData(conn_, &row, 0) > 0)
                PQfreemem(row);
            break;
        }
        case PGRES_FATAL_ERROR:
            if (!error)
                error = error_of(conn_, raw);
            break;
        default:
            break;
        }
    }
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
        run(back_to_savepoint);
        if (!error)
            error = error_of(conn_, nullptr);
    } else {
        require_open("a statement");
        run(release);
    }
    require_open("a statement");
    return error;
}

std::optional<std::string> TrialTransaction::lookup(const char *query, const std::string &parameter)
{
    const char *values[] = {parameter.c_str()};
    PqResult res(PQexecParams(conn_, query, 1, nullptr, values, nullptr, nullptr, 0));
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK)
        throw std::runtime_error(one_line(error_of(conn_, res.get()).message.c_str()));
    if (PQntuples(res.get()) == 0 || PQgetisnull(res.get(), 0, 0))
        return std::nullopt;
    return std::string(PQgetvalue(res.get(), 0, 0));
}

void TrialTransaction::rollback()
{
    open_ = false;
    PqResult res(PQexec(conn_, "ROLLBACK"));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK || PQtransactionStatus(conn_) != PQTRANS_IDLE)
        throw std::runtime_error(
            fmt::format("ROLLBACK failed: {}", one_line(error_of(conn_, res.get()).message.c_str())));
}

} // namespace redline::cli
