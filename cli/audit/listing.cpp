// The listing's SQL. Filters are parameters: a role name with a quote in it, or any other
// text a person types, reaches the server as a value, never as part of the statement.
#include "audit/listing.hpp"

#include "audit/text_trim.hpp"
#include "audit_events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace redline::cli {

namespace {

// A text[] parameter in PostgreSQL's array syntax, each element double-quoted (the classes
// are plain words, but the quoting keeps that from mattering).
std::string text_array(const std::vector<std::string> &values)
{
    std::string out = "{";
    for (const std::string &value : values) {
        if (out.size() > 1)
            out += ',';
        out += '"';
        for (char c : value) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

} // namespace

const std::vector<std::string> &audit_event_classes()
{
    // The server's own table of classes (extension/core/audit_events.hpp), in its order.
    static const std::vector<std::string> classes = [] {
        std::vector<std::string> names;
        for (unsigned bit = 1; bit <= all_audit_events; bit <<= 1)
            names.emplace_back(audit_event_name(static_cast<AuditEvent>(bit)));
        return names;
    }();
    return classes;
}

std::string audit_event_class_list() { return all_audit_event_names(); }

std::vector<std::string> parse_event_classes(std::string_view text)
{
    std::vector<std::string> events;
    std::size_t at = 0;
    while (true) {
        std::size_t comma = text.find(',', at);
        std::string name(trim_blanks(text.substr(at, comma - at)));
        const auto &known = audit_event_classes();
        if (std::find(known.begin(), known.end(), name) == known.end())
            throw std::invalid_argument(
                name.empty()
                    ? fmt::format("an empty event class in \"{}\": the classes are {}", text, audit_event_class_list())
                    : fmt::format("\"{}\" is not an event class: the classes are {}", name, audit_event_class_list()));
        if (std::find(events.begin(), events.end(), name) == events.end())
            events.push_back(name);
        if (comma == std::string_view::npos)
            break;
        at = comma + 1;
    }
    return events;
}

const std::vector<std::string> &audit_columns()
{
    static const std::vector<std::string> columns{"id",
                                                  "at",
                                                  "event",
                                                  "session_role",
                                                  "effective_role",
                                                  "database",
                                                  "client_addr",
                                                  "application_name",
                                                  "backend_pid",
                                                  "environment",
                                                  "statement",
                                                  "objects",
                                                  "rows",
                                                  "key_id",
                                                  "amr",
                                                  "decision",
                                                  "reason",
                                                  "sqlstate",
                                                  "xid",
                                                  "lane",
                                                  "lane_seq",
                                                  "prev_id",
                                                  "hash"};
    return columns;
}

std::string iso_timestamp_sql(std::string_view expression)
{
    return fmt::format("to_char({}, 'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM')", expression);
}

ParamQuery listing_query(const AuditFilter &filter)
{
    ParamQuery query;
    // Ordered by the timestamp itself, a.at: the output column "at" is text.
    query.sql = "SELECT a.id, " + iso_timestamp_sql("a.at") +
                " AS at, a.event, a.session_role, a.effective_role, a.database, a.client_addr, "
                "a.application_name, a.backend_pid, a.environment, a.statement, to_json(a.objects) AS objects, "
                "a.rows, a.key_id, a.amr, a.decision, a.reason, a.sqlstate, a.xid::text AS xid, a.lane, "
                "a.lane_seq, a.prev_id, encode(a.hash, 'hex') AS hash "
                "FROM ONLY redline.audit_log a "
                "WHERE a.at >= now() - $1::bigint * interval '1 second' "
                "AND ($2::text IS NULL OR a.session_role = $2::text OR a.effective_role = $2::text) "
                "AND a.event = ANY ($3::text[]) "
                "ORDER BY a.at, a.id";
    query.params.emplace_back(std::to_string(filter.since_seconds));
    query.params.push_back(filter.role.empty() ? std::nullopt : std::optional<std::string>(filter.role));
    // Every class by default, which leaves out the server's seal rows: chain bookkeeping that
    // --verify reads, not events a person looks for.
    query.params.emplace_back(text_array(filter.events.empty() ? audit_event_classes() : filter.events));
    return query;
}

} // namespace redline::cli
