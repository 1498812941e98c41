// What redline audit PROFILE lists: the event classes a person may filter by, and the one
// SELECT on redline.audit_log with its parameters, built apart from any connection so that
// tests can see that no value ever becomes part of the SQL text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

// The nine event classes of redline.audit_log.event, in the order the server defines them.
const std::vector<std::string> &audit_event_classes();

// "connect, disconnect, ..." for messages and help.
std::string audit_event_class_list();

// A comma-separated list of classes ("ddl,write", spaces allowed), each named once or more.
// Throws std::invalid_argument with a one-line message naming the unknown class and the
// nine that exist.
std::vector<std::string> parse_event_classes(std::string_view text);

struct AuditFilter {
    long long since_seconds = 7 * 86400;
    std::string role;                // session_role or effective_role; "" for every role
    std::vector<std::string> events; // empty for every class (seal rows are never listed)
};

struct ParamQuery {
    std::string sql;
    std::vector<std::optional<std::string>> params; // $1, $2...; nullopt is NULL
};

// The SQL that writes a timestamptz `expression` as ISO 8601 with the session time zone's
// offset: 2026-11-24T17:45:19.123456+01:00.
std::string iso_timestamp_sql(std::string_view expression);

// The listing: every column of redline.audit_log, oldest first, `at` as ISO 8601 with the
// session time zone's offset, objects as json (an array), hash in hex.
ParamQuery listing_query(const AuditFilter &filter);

// The columns the listing returns, in order (the table's own, as the server names them).
const std::vector<std::string> &audit_columns();

} // namespace redline::cli
