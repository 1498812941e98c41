// The review's questions as SQL, and its report. Each question is answered where the data is
// (counting, grouping, "not seen before" are a server's work); only the deployment windows
// are decided here, so that their edges (midnight, Fri-Mon) are tested without a server.
#include "audit/review.hpp"
#include "audit/format.hpp"
#include "audit/period.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>

namespace redline::cli {

namespace {

constexpr std::array<const char *, 7> day_names{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// The rows of the period: $1 seconds back from now() (one transaction: one now()).
std::string in_period(std::string_view alias)
{
    return fmt::format("{0}.at >= now() - $1::bigint * interval '1 second'", alias);
}

// The role filter: $2 NULL for every role, else the session or the effective role.
std::string of_role(std::string_view alias)
{
    return fmt::format("($2::text IS NULL OR {0}.session_role = $2::text OR {0}.effective_role = $2::text)", alias);
}

std::vector<std::optional<std::string>> base_params(const ReviewSettings &s)
{
    return {std::to_string(s.since_seconds), s.role.empty() ? std::nullopt : std::optional<std::string>(s.role)};
}

std::string iso(std::string_view expression) { return iso_timestamp_sql(expression); }

// A json array of strings as the table shows it: "alice, bob".
std::string list_cell(const std::optional<std::string> &json, std::size_t width = 40)
{
    if (!json)
        return "-";
    nlohmann::json list = nlohmann::json::parse(*json, nullptr, false);
    if (!list.is_array())
        return table_cell(json, width);
    std::string out;
    for (const auto &item : list)
        out += (out.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    return table_cell(out, width);
}

std::string indented(const std::string &table)
{
    std::string out;
    std::size_t at = 0;
    while (at < table.size()) {
        std::size_t end = table.find('\n', at);
        out += "  " + table.substr(at, end - at + 1);
        at = end == std::string::npos ? table.size() : end + 1;
    }
    return out;
}

std::string heading(const std::string &title, std::size_t count, const Palette &palette, const std::string &more = "")
{
    return fmt::format("\n{}: {}{}\n", title,
                       fmt::styled(count == 0 ? std::string("none") : std::to_string(count),
                                   count == 0 ? palette.ok : palette.warning),
                       count == 0 ? "" : more);
}

bool context_flag(const Review &review, std::string_view name)
{
    return !review.context.rows.empty() && column_value(review.context, 0, name) == std::optional<std::string>("t");
}

std::string context_text(const Review &review, std::string_view name)
{
    return review.context.rows.empty() ? "" : column_value(review.context, 0, name).value_or("");
}

} // namespace

ParamQuery review_writes_query(const ReviewSettings &s)
{
    return {fmt::format("SELECT a.id, {0} AS at, a.event, a.decision, a.session_role, a.effective_role, a.database, "
                        "a.client_addr, a.rows, a.statement, extract(isodow FROM a.at)::int AS iso_weekday, "
                        "(extract(hour FROM a.at) * 3600 + extract(minute FROM a.at) * 60 "
                        "+ floor(extract(second FROM a.at)))::int AS second_of_day "
                        "FROM ONLY redline.audit_log a "
                        "WHERE a.event IN ('write', 'ddl') AND a.decision = 'allowed' AND {1} AND {2} "
                        "ORDER BY a.at, a.id",
                        iso("a.at"), in_period("a"), of_role("a")),
            base_params(s)};
}

ParamQuery review_bulk_query(const ReviewSettings &s)
{
    ParamQuery q{fmt::format("SELECT a.id, {0} AS at, a.decision, a.session_role, a.effective_role, a.database, "
                             "a.client_addr, a.rows, a.statement "
                             "FROM ONLY redline.audit_log a "
                             "WHERE a.event = 'write' AND a.rows >= $3::bigint AND {1} AND {2} "
                             "ORDER BY a.rows DESC, a.id",
                             iso("a.at"), in_period("a"), of_role("a")),
                 base_params(s)};
    q.params.emplace_back(std::to_string(s.bulk_rows));
    return q;
}

ParamQuery review_refusals_query(const ReviewSettings &s)
{
    return {fmt::format("SELECT a.session_role, a.sqlstate, count(*) AS refusals, {0} AS first, {1} AS last, "
                        "(array_agg(a.reason ORDER BY a.at DESC, a.id DESC))[1] AS latest_reason "
                        "FROM ONLY redline.audit_log a "
                        "WHERE (a.event = 'refused' OR a.decision = 'refused') AND {2} AND {3} "
                        "GROUP BY a.session_role, a.sqlstate "
                        "ORDER BY count(*) DESC, a.session_role, a.sqlstate",
                        iso("min(a.at)"), iso("max(a.at)"), in_period("a"), of_role("a")),
            base_params(s)};
}

ParamQuery review_new_addresses_query(const ReviewSettings &s)
{
    return {fmt::format("SELECT coalesce(a.client_addr, '[local]') AS client_addr, count(*) AS connections, "
                        "to_json(array_agg(DISTINCT a.session_role) FILTER (WHERE a.session_role IS NOT NULL)) "
                        "AS roles, {0} AS first, {1} AS last "
                        "FROM ONLY redline.audit_log a "
                        "WHERE a.event = 'connect' AND {2} AND {3} "
                        "AND NOT EXISTS (SELECT FROM ONLY redline.audit_log b WHERE b.event = 'connect' "
                        "AND coalesce(b.client_addr, '[local]') = coalesce(a.client_addr, '[local]') "
                        "AND b.at >= now() - 2 * $1::bigint * interval '1 second' "
                        "AND b.at < now() - $1::bigint * interval '1 second' AND {4}) "
                        "GROUP BY coalesce(a.client_addr, '[local]') "
                        "ORDER BY min(a.at)",
                        iso("min(a.at)"), iso("max(a.at)"), in_period("a"), of_role("a"), of_role("b")),
            base_params(s)};
}

ParamQuery review_new_roles_query(const ReviewSettings &s)
{
    ParamQuery q{fmt::format("SELECT a.session_role, count(*) AS connections, "
                             "to_json(array_agg(DISTINCT coalesce(a.client_addr, '[local]'))) AS client_addrs, "
                             "{0} AS first, {1} AS last "
                             "FROM ONLY redline.audit_log a "
                             "WHERE a.event = 'connect' AND a.session_role IS NOT NULL AND {2} AND {3} "
                             "AND NOT EXISTS (SELECT FROM ONLY redline.audit_log b WHERE b.event = 'connect' "
                             "AND b.session_role = a.session_role "
                             "AND b.at >= now() - $1::bigint * interval '1 second' - $3::bigint * interval '1 day' "
                             "AND b.at < now() - $1::bigint * interval '1 second') "
                             "GROUP BY a.session_role "
                             "ORDER BY min(a.at)",
                             iso("min(a.at)"), iso("max(a.at)"), in_period("a"), of_role("a")),
                 base_params(s)};
    q.params.emplace_back(std::to_string(s.new_role_days));
    return q;
}

ParamQuery review_bursts_query(const ReviewSettings &s)
{
    // For each failed login, how many of the same role (or address) follow within the
    // window, itself included: a burst is a window that holds burst_count or more.
    ParamQuery q{
        fmt::format("WITH failed AS ("
                    "SELECT 'role'::text AS kind, a.session_role AS who, a.at FROM ONLY redline.audit_log a "
                    "WHERE a.event = 'auth_failed' AND a.session_role IS NOT NULL AND {0} AND {1} "
                    "UNION ALL "
                    "SELECT 'client_addr', coalesce(a.client_addr, '[local]'), a.at FROM ONLY redline.audit_log a "
                    "WHERE a.event = 'auth_failed' AND {0} AND {1}), "
                    "counted AS (SELECT kind, who, at, count(*) OVER (PARTITION BY kind, who ORDER BY at "
                    "RANGE BETWEEN CURRENT ROW AND $4::bigint * interval '1 second' FOLLOWING) AS within "
                    "FROM failed) "
                    "SELECT kind, who, max(within) AS most_within, count(*) AS failures, "
                    "{2} AS first_burst_at, {3} AS last "
                    "FROM counted GROUP BY kind, who HAVING max(within) >= $3::bigint "
                    "ORDER BY min(at) FILTER (WHERE within >= $3::bigint), kind, who",
                    in_period("a"), of_role("a"), iso("min(at) FILTER (WHERE within >= $3::bigint)"), iso("max(at)")),
        base_params(s)};
    q.params.emplace_back(std::to_string(s.burst_count));
    q.params.emplace_back(std::to_string(s.burst_seconds));
    return q;
}

ParamQuery review_context_query(const ReviewSettings &s)
{
    // Whether the log reaches back far enough for "not seen before" to mean something.
    return {fmt::format("SELECT {0} AS since, {1} AS until, current_setting('TimeZone') AS time_zone, "
                        "current_database() AS database, "
                        "current_setting('redline.audit_database', true) AS audit_database, "
                        "{2} AS first_row, "
                        "coalesce((SELECT min(f.at) FROM ONLY redline.audit_log f) "
                        "> now() - 2 * $1::bigint * interval '1 second', true) AS short_for_addresses, "
                        "coalesce((SELECT min(f.at) FROM ONLY redline.audit_log f) "
                        "> now() - $1::bigint * interval '1 second' - $2::bigint * interval '1 day', true) "
                        "AS short_for_roles",
                        iso("now() - $1::bigint * interval '1 second'"), iso("now()"),
                        iso("(SELECT min(f.at) FROM ONLY redline.audit_log f)")),
            {std::to_string(s.since_seconds), std::to_string(s.new_role_days)}};
}

QueryRows writes_outside(const QueryRows &writes, const DeploymentWindows &windows)
{
    QueryRows out;
    std::size_t day_column = writes.columns.size(), second_column = writes.columns.size();
    for (std::size_t c = 0; c < writes.columns.size(); ++c) {
        if (writes.columns[c] == "iso_weekday")
            day_column = c;
        else if (writes.columns[c] == "second_of_day")
            second_column = c;
        else {
            out.columns.push_back(writes.columns[c]);
            out.types.push_back(writes.types.size() > c ? writes.types[c] : 0);
        }
    }
    if (day_column == writes.columns.size() || second_column == writes.columns.size())
        throw std::runtime_error("the review's writes came without iso_weekday and second_of_day");
    out.columns.insert(out.columns.begin() + 1, "day");
    out.types.insert(out.types.begin() + 1, 25);
    for (const auto &row : writes.rows) {
        if (!row[day_column] || !row[second_column])
            continue;
        int day = std::stoi(*row[day_column]);
        if (day < 1 || day > 7 || inside_windows(windows, day, std::stoi(*row[second_column])))
            continue;
        std::vector<std::optional<std::string>> kept;
        for (std::size_t c = 0; c < row.size(); ++c)
            if (c != day_column && c != second_column)
                kept.push_back(row[c]);
        kept.insert(kept.begin() + 1, std::string(day_names[day - 1]));
        out.rows.push_back(std::move(kept));
    }
    return out;
}

std::string review_text(const Review &review, const ReviewSettings &s, const Palette &palette)
{
    std::string zone = context_text(review, "time_zone");
    std::string out = fmt::format("review of the audit log of profile {}, database {}\n", review.profile,
                                  terminal_safe(context_text(review, "database")));
    out +=
        fmt::format("period: {} to {} (the last {}), times in {}\n", table_time(context_text(review, "since")),
                    table_time(context_text(review, "until")), describe_period(s.since_seconds), terminal_safe(zone));
    if (!s.role.empty())
        out += fmt::format("role: {} (as session or effective role)\n", terminal_safe(s.role));

    auto rows_of = [](const QueryRows &rows, std::size_t r) {
        return [&rows, r](std::string_view name) { return column_value(rows, r, name); };
    };

    out += heading(fmt::format("writes and DDL outside the deployment windows {} ({})", describe_windows(s.windows),
                               terminal_safe(zone)),
                   review.outside_window.rows.size(), palette);
    if (!review.outside_window.rows.empty()) {
        std::vector<std::vector<std::string>> cells;
        for (std::size_t r = 0; r < review.outside_window.rows.size(); ++r) {
            auto v = rows_of(review.outside_window, r);
            cells.push_back({table_cell(v("id")), table_cell(v("day")), table_time(v("at")), table_cell(v("event")),
                             table_role(v("session_role"), v("effective_role")), table_cell(v("database"), 30),
                             table_cell(v("rows")), table_cell(v("statement"), 72)});
        }
        out += indented(
            aligned_table({"id", "day", "at", "event", "role", "database", "rows", "statement"}, cells, {}, palette));
    }

    out += heading(fmt::format("bulk writes ({} rows or more)", s.bulk_rows), review.bulk.rows.size(), palette);
    if (!review.bulk.rows.empty()) {
        std::vector<std::vector<std::string>> cells;
        std::vector<fmt::text_style> styles;
        for (std::size_t r = 0; r < review.bulk.rows.size(); ++r) {
            auto v = rows_of(review.bulk, r);
            cells.push_back({table_cell(v("id")), table_time(v("at")), table_cell(v("decision")),
                             table_role(v("session_role"), v("effective_role")), table_cell(v("database"), 30),
                             table_cell(v("rows")), table_cell(v("statement"), 72)});
            styles.push_back(decision_style(v("decision").value_or(""), palette));
        }
        out += indented(
            aligned_table({"id", "at", "decision", "role", "database", "rows", "statement"}, cells, styles, palette));
    }

    long long refusals = 0;
    for (std::size_t r = 0; r < review.refusals.rows.size(); ++r)
        refusals += std::stoll(column_value(review.refusals, r, "refusals").value_or("0"));
    out += heading("refusals by role and SQLSTATE", review.refusals.rows.size(), palette,
                   fmt::format(" group{}, {} refusal{}", review.refusals.rows.size() == 1 ? "" : "s", refusals,
                               refusals == 1 ? "" : "s"));
    if (!review.refusals.rows.empty()) {
        std::vector<std::vector<std::string>> cells;
        for (std::size_t r = 0; r < review.refusals.rows.size(); ++r) {
            auto v = rows_of(review.refusals, r);
            cells.push_back({table_cell(v("session_role"), 30), table_cell(v("sqlstate")), table_cell(v("refusals")),
                             table_time(v("first")), table_time(v("last")), table_cell(v("latest_reason"), 72)});
        }
        out += indented(
            aligned_table({"role", "sqlstate", "count", "first", "last", "latest reason"}, cells, {}, palette));
    }

    out +=
        heading(fmt::format("client addresses not seen in the {} before the period", describe_period(s.since_seconds)),
                review.new_addresses.rows.size(), palette);
    if (!review.new_addresses.rows.empty()) {
        std::vector<std::vector<std::string>> cells;
        for (std::size_t r = 0; r < review.new_addresses.rows.size(); ++r) {
            auto v = rows_of(review.new_addresses, r);
            cells.push_back({table_cell(v("client_addr")), table_cell(v("connections")), list_cell(v("roles")),
                             table_time(v("first")), table_time(v("last"))});
        }
        out += indented(aligned_table({"client", "connections", "roles", "first", "last"}, cells, {}, palette));
    }
    if (context_flag(review, "short_for_addresses") && !context_text(review, "first_row").empty())
        out += fmt::format(palette.muted, "  the log begins at {}: it holds less than the {} before the period\n",
                           table_time(context_text(review, "first_row")), describe_period(s.since_seconds));

    out += heading(fmt::format("roles connecting for the first time in {} days", s.new_role_days),
                   review.new_roles.rows.size(), palette);
    if (!review.new_roles.rows.empty()) {
        std::vector<std::vector<std::string>> cells;
        for (std::size_t r = 0; r < review.new_roles.rows.size(); ++r) {
            auto v = rows_of(review.new_roles, r);
            cells.push_back({table_cell(v("session_role"), 30), table_cell(v("connections")),
                             list_cell(v("client_addrs")), table_time(v("first")), table_time(v("last"))});
        }
        out +=
            indented(aligned_table({"role", "connections", "client addresses", "first", "last"}, cells, {}, palette));
    }
    if (context_flag(review, "short_for_roles") && !context_text(review, "first_row").empty())
        out += fmt::format(palette.muted, "  the log begins at {}: it holds less than the {} days before the period\n",
                           table_time(context_text(review, "first_row")), s.new_role_days);

    out += heading(fmt::format("failed-login bursts ({} or more within {}, by role or by address)", s.burst_count,
                               describe_period(s.burst_seconds)),
                   review.bursts.rows.size(), palette);
    if (!review.bursts.rows.empty()) {
        std::vector<std::vector<std::string>> cells;
        for (std::size_t r = 0; r < review.bursts.rows.size(); ++r) {
            auto v = rows_of(review.bursts, r);
            cells.push_back({v("kind") == std::optional<std::string>("role") ? "role" : "address",
                             table_cell(v("who"), 40), table_cell(v("most_within")), table_cell(v("failures")),
                             table_time(v("first_burst_at")), table_time(v("last"))});
        }
        out += indented(aligned_table({"by", "who", "most within", "failures", "first burst", "last"}, cells,
                                      std::vector<fmt::text_style>(cells.size(), palette.warning), palette));
    }

    std::string database = context_text(review, "database");
    std::string audit_database = context_text(review, "audit_database");
    if (!audit_database.empty() && audit_database != database)
        out += fmt::format(palette.muted,
                           "\nfailed logins, and the events of databases without CREATE EXTENSION redline, are "
                           "recorded in database {} (redline.audit_database): review it too, with a profile whose "
                           "connection names it\n",
                           terminal_safe(audit_database));
    return out;
}

std::string review_json_lines(const Review &review, const ReviewSettings &s)
{
    std::string out;
    std::string zone = context_text(review, "time_zone");
    auto emit = [&out](const char *finding, const QueryRows &rows, const nlohmann::ordered_json &extra) {
        for (std::size_t r = 0; r < rows.rows.size(); ++r) {
            nlohmann::ordered_json object;
            object["finding"] = finding;
            for (const auto &[key, value] : extra.items())
                object[key] = value;
            nlohmann::ordered_json row = audit_json(rows, r);
            for (const auto &[key, value] : row.items())
                object[key] = value;
            out += object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        }
    };
    emit("write_outside_window", review.outside_window,
         {{"windows", describe_windows(s.windows)}, {"time_zone", zone}});
    emit("bulk_write", review.bulk, {{"threshold_rows", s.bulk_rows}});
    emit("refusals", review.refusals, nlohmann::ordered_json::object());
    emit("new_client_address", review.new_addresses, {{"compared_seconds", s.since_seconds}});
    emit("new_role", review.new_roles, {{"compared_days", s.new_role_days}});
    emit("auth_failed_burst", review.bursts,
         {{"threshold_failures", s.burst_count}, {"within_seconds", s.burst_seconds}});
    return out;
}

} // namespace redline::cli
