// A transaction that tries statements and is always rolled back: each statement under its
// own savepoint, so one the server refuses leaves the transaction usable for the next, and
// what the server said is kept whole (SQLSTATE, message, detail, hint).
#pragma once

#include <optional>
#include <string>

// libpq's connection handle, as libpq-fe.h declares it.
typedef struct pg_conn PGconn;

namespace redline::cli {

struct ServerError {
    std::string sqlstate; // "" when libpq gave none (the connection broke)
    std::string message;
    std::string detail;
    std::string hint;
};

// How long a statement tried waits for a lock: a DROP takes its table's ACCESS EXCLUSIVE
// lock before the server can refuse it, and every query on the table queues behind a DROP
// that waits.
inline constexpr const char *trial_lock_timeout = "1s";

class TrialTransaction {
public:
    // BEGIN; SET LOCAL redline.approval_token = '' (a token from the role's or database's
    // settings is not spent by a try); SET LOCAL lock_timeout to trial_lock_timeout. Throws
    // std::runtime_error when one fails.
    explicit TrialTransaction(PGconn *conn);
    // Rolls back if rollback() was not reached (an exception on the way).
    ~TrialTransaction();
    TrialTransaction(const TrialTransaction &) = delete;
    TrialTransaction &operator=(const TrialTransaction &) = delete;

    // Runs one statement (the extended protocol: one statement, never a list) and discards
    // its rows. nullopt when it succeeded; the server's error otherwise, the transaction
    // rolled back to just before the statement. Throws std::runtime_error when the
    // transaction did not survive (a broken connection).
    std::optional<ServerError> attempt(const std::string &statement);

    // The first column of the first row of `query` with one text parameter; nullopt when it
    // returned no row. Throws std::runtime_error with the server's message on an error.
    std::optional<std::string> lookup(const char *query, const std::string &parameter);

    // ROLLBACK, and a check that it happened. Throws std::runtime_error if it did not.
    void rollback();

private:
    void run(const char *command);
    void require_open(const char *after);

    PGconn *conn_;
    bool open_ = false;
};

} // namespace redline::cli
