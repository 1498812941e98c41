// The password file libpq reads (~/.pgpass, PGPASSFILE): which line would give a connection
// its password, read by libpq's own rules. The passwords themselves are never kept.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

// One line of hostname:port:database:username:password. A field that is exactly "*" is a
// wildcard (nullopt); "\*" is a literal star, and "\:" and "\\" are a colon and a backslash.
struct PgpassLine {
    int number = 0; // 1-based line number in the file
    std::optional<std::string> host;
    std::optional<std::string> port;
    std::optional<std::string> database;
    std::optional<std::string> user;

    bool has_wildcard() const { return !host || !port || !database || !user; }
};

// The lines libpq could match: comments ('#' first), blank lines and lines with fewer than
// five fields are left out, as libpq skips them too.
std::vector<PgpassLine> parse_pgpass(std::string_view text);

// What libpq matches a line against. `host` is the host name, or "localhost" for the default
// Unix socket, as libpq does; `database` defaults to the user name.
struct PgpassQuery {
    std::string host;
    std::string port;
    std::string database;
    std::string user;
};

bool pgpass_matches(const PgpassLine &line, const PgpassQuery &query);

// The line libpq would take the password from: the first that matches. nullptr for none.
const PgpassLine *first_pgpass_match(const std::vector<PgpassLine> &lines, const PgpassQuery &query);

// "host:port:database:user" of a line, stars kept and the password left out, for messages.
std::string describe_pgpass_line(const PgpassLine &line);

} // namespace redline::cli
