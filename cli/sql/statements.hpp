// A SQL script cut into the statements a server would be sent one by one, as psql cuts it
// at semicolons, and the leading words that say what a statement is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

struct SqlStatement {
    std::string text; // without its terminating semicolon or the blanks around it
    int line = 1;     // where it starts in the script, from 1
};

// The script's statements, split at semicolons outside quotes ('...', E'...', "...",
// $tag$...$tag$), comments (--, nested /* */), parentheses and the BEGIN ... END body of a
// CREATE FUNCTION or PROCEDURE. Statements that hold only blanks and comments are dropped;
// an unterminated quote or comment ends the last statement (the server reports it). Throws
// std::runtime_error for a backslash outside quotes: a psql meta-command (\set, \i, the \. of
// COPY data) is not SQL.
std::vector<SqlStatement> split_statements(std::string_view script);

// The first `count` keywords of a statement, upper-cased, comments skipped; fewer when the
// statement has fewer words before anything else (a quote, a number, punctuation).
std::vector<std::string> leading_words(std::string_view statement, std::size_t count);

// Whether the statement begins, ends or marks a transaction (BEGIN, START, COMMIT, END,
// ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION): a command that tries a script
// inside its own transaction must never run one.
bool is_transaction_control(std::string_view statement);

// DROP DATABASE [IF EXISTS] name: the database's name as the server reads it (folded to
// lower case unless double-quoted). nullopt for any other statement.
struct DatabaseDrop {
    std::string name;
    bool if_exists = false;
};
std::optional<DatabaseDrop> database_drop(std::string_view statement);

} // namespace redline::cli
