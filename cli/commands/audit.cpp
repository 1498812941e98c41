// Connects once with the profile, in one read-consistent transaction for --verify and
// --review (one snapshot, one now()), and prints what the log holds. Every value a person
// types reaches the server as a query parameter.
#include "commands/audit.hpp"
#include "app/command_refusal.hpp"
#include "app/exit_codes.hpp"
#include "audit/format.hpp"
#include "audit/listing.hpp"
#include "audit/period.hpp"
#include "audit/pins.hpp"
#include "audit/review.hpp"
#include "audit/verdict.hpp"
#include "audit/window.hpp"
#include "profiles/profile.hpp"
#include "server/connection.hpp"
#include "server/query.hpp"

#include <CLI/CLI.hpp>
#include <fmt/color.h>
#include <fmt/format.h>

#include <cstdio>
#include <stdexcept>

namespace redline::cli {

namespace {

// A query error in words: what is missing on the server, or what right the role lacks.
std::runtime_error explain_failure(const QueryError &e, PGconn *conn, const Profile &profile, const std::string &what)
{
    const char *db = PQdb(conn);
    const char *user = PQuser(conn);
    if (e.sqlstate == "42P01" || e.sqlstate == "3F000")
        return std::runtime_error(fmt::format(
            "database {} of profile {} has no redline.audit_log: CREATE EXTENSION redline has not run there; the "
            "events of such databases, and failed logins, are kept in the audit database (SHOW "
            "redline.audit_database): audit a profile that connects to it",
            db, profile.name));
    if (e.sqlstate == "42883")
        return std::runtime_error(fmt::format("{} is not in database {} of profile {}: its redline is older; a "
                                              "superuser updates it with ALTER EXTENSION redline UPDATE",
                                              what, db, profile.name));
    if (e.sqlstate == "42501")
        return std::runtime_error(fmt::format("role {} may not read the audit log ({}): a superuser grants it with "
                                              "GRANT redline_auditor TO {}",
                                              user, e.what(), user));
    return std::runtime_error(fmt::format("{} failed on the server of profile {}: {}{}", what, profile.name, e.what(),
                                          e.hint.empty() ? "" : "; " + e.hint));
}

PqConnection open_connection(const Profile &profile, const AuditOptions &options, bool verbose)
{
    PqConnection conn = connect_profile_verbosely(profile, verbose);
    // What the log says must not depend on the session's search path: a function or operator
    // of a built-in's name in a schema put first (ALTER ROLE ... SET search_path) would answer
    // in its place. The queries name redline.audit_log in full and read ONLY it.
    try {
        run_query(conn.get(), "SELECT pg_catalog.set_config('search_path', '', false)");
    } catch (const QueryError &e) {
        throw explain_failure(e, conn.get(), profile, "setting the search path");
    }
    // JSON and CSV are UTF-8 whatever the server's encoding; the server converts.
    if (PQsetClientEncoding(conn.get(), "UTF8") != 0)
        throw std::runtime_error(fmt::format("the server of profile {} cannot send UTF-8: {}", profile.name,
                                             one_line(PQerrorMessage(conn.get()))));
    if (!options.tz.empty()) {
        try {
            run_query(conn.get(), "SELECT set_config('TimeZone', $1, false)", {options.tz});
        } catch (const QueryError &e) {
            throw std::runtime_error(
                fmt::format("--tz {}: the server does not know this time zone ({}); name one from pg_timezone_names, "
                            "such as Europe/Berlin or UTC",
                            options.tz, e.what()));
        }
    }
    return conn;
}

std::string session_zone(PGconn *conn)
{
    const char *zone = PQparameterStatus(conn, "TimeZone");
    return zone != nullptr ? zone : "the server's time zone";
}

int run_listing(PGconn *conn, const Profile &profile, const AuditOptions &options, const Palette &palette)
{
    AuditFilter filter;
    filter.since_seconds = *parse_period(options.since);
    filter.role = options.role;
    if (!options.events.empty())
        filter.events = parse_event_classes(options.events);
    ParamQuery query = listing_query(filter);
    QueryRows rows;
    try {
        rows = run_query(conn, query.sql, query.params);
    } catch (const QueryError &e) {
        throw explain_failure(e, conn, profile, "reading redline.audit_log");
    }
    std::string out;
    if (options.format == "json") {
        out = audit_json_lines(rows);
    } else if (options.format == "csv") {
        out = audit_csv(rows);
    } else {
        std::string scope = fmt::format("the last {}", describe_period(filter.since_seconds));
        if (!filter.role.empty())
            scope += fmt::format(", role {}", terminal_safe(filter.role));
        if (!filter.events.empty())
            scope += fmt::format(", events {}", fmt::join(filter.events, ", "));
        out = audit_table(rows, palette);
        out += fmt::format(palette.muted, "{} audit row{} ({}), times in {}, database {}\n", rows.rows.size(),
                           rows.rows.size() == 1 ? "" : "s", scope, terminal_safe(session_zone(conn)),
                           terminal_safe(PQdb(conn)));
    }
    std::fputs(out.c_str(), stdout);
    return 0;
}

std::vector<LaneNow> lanes_now(PGconn *conn, const std::vector<LaneHead> &heads)
{
    std::string lanes = "{", seqs = "{";
    for (const LaneHead &head : heads) {
        lanes += fmt::format("{}{}", lanes.size() > 1 ? "," : "", head.lane);
        seqs += fmt::format("{}{}", seqs.size() > 1 ? "," : "", head.seq);
    }
    // Joins rather than a subquery per lane: the table has no index on lane, and a person may
    // have pinned thousands of lanes.
    QueryRows rows = run_query(conn,
                               "WITH p AS (SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS p(lane, seq)), "
                               "last AS (SELECT m.lane, max(m.lane_seq) AS last_seq FROM ONLY redline.audit_log m "
                               "WHERE m.lane IN (SELECT lane FROM p) GROUP BY m.lane) "
                               "SELECT p.lane, p.seq, a.id, encode(a.hash, 'hex') AS hash, last.last_seq "
                               "FROM p LEFT JOIN ONLY redline.audit_log a ON a.lane = p.lane AND a.lane_seq = p.seq "
                               "LEFT JOIN last ON last.lane = p.lane",
                               {lanes + "}", seqs + "}"});
    std::vector<LaneNow> now;
    for (const auto &row : rows.rows) {
        auto number = [](const std::optional<std::string> &v) {
            return v ? std::optional<long long>(std::stoll(*v)) : std::nullopt;
        };
        now.push_back(LaneNow{std::stoll(row[0].value_or("0")), std::stoll(row[1].value_or("0")), number(row[2]),
                              row[3], number(row[4])});
    }
    return now;
}

std::vector<LaneHead> current_heads(PGconn *conn)
{
    QueryRows rows = run_query(conn, "SELECT DISTINCT ON (lane) lane, lane_seq, encode(hash, 'hex') "
                                     "FROM ONLY redline.audit_log ORDER BY lane, lane_seq DESC");
    std::vector<LaneHead> heads;
    for (const auto &row : rows.rows)
        heads.push_back(
            LaneHead{std::stoll(row[0].value_or("0")), std::stoll(row[1].value_or("0")), row[2].value_or("")});
    return heads;
}

std::optional<BadRow> bad_row(PGconn *conn, long long id)
{
    QueryRows rows = run_query(conn,
                               "SELECT a.id, " + iso_timestamp_sql("a.at") +
                                   " AS at, a.event, a.session_role, a.lane, a.lane_seq "
                                   "FROM ONLY redline.audit_log a WHERE a.id = $1::bigint ORDER BY a.lane_seq LIMIT 1",
                               {std::to_string(id)});
    if (rows.rows.empty())
        return std::nullopt;
    const auto &row = rows.rows[0];
    return BadRow{std::stoll(row[0].value_or("0")),
                  row[1].value_or(""),
                  row[2].value_or(""),
                  row[3].value_or(""),
                  std::stoll(row[4].value_or("0")),
                  std::stoll(row[5].value_or("0"))};
}

int run_verify(PGconn *conn, const Profile &profile, const AuditOptions &options, const Palette &palette)
{
    Verdict verdict;
    verdict.profile = profile.name;
    std::filesystem::path file = pin_file(profile.name);
    verdict.pin_file = file.string();
    std::optional<LanePins> pins = load_pins(file);

    LanePins now;
    try {
        // One snapshot for the chains and the heads: a row added between the two would be
        // pinned without having been verified.
        run_command(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ");
        QueryRows context = run_query(conn, "SELECT coalesce(current_setting('redline.cluster_id', true), ''), "
                                            "current_database(), " +
                                                iso_timestamp_sql("now()"));
        now.cluster = context.rows.at(0)[0].value_or("");
        now.database = context.rows.at(0)[1].value_or("");
        now.pinned_at = context.rows.at(0)[2].value_or("");
        verdict.database = now.database;
        if (pins && (pins->cluster != now.cluster || pins->database != now.database))
            throw std::runtime_error(fmt::format(
                "the lane heads in {} were pinned on cluster {}, database {}, but profile {} now reaches cluster {}, "
                "database {}: nothing was compared; if the profile was moved on purpose, remove that file and run "
                "--verify again",
                file.string(), pins->cluster, pins->database, profile.name, now.cluster, now.database));

        try {
            verdict.verify = verify_result(run_query(conn, "SELECT ok, rows_checked, lanes_checked, first_bad_id, "
                                                           "problem, detail FROM redline.verify_audit()"));
        } catch (const QueryError &e) {
            throw explain_failure(e, conn, profile, "redline.verify_audit()");
        }
        if (verdict.verify.first_bad_id)
            verdict.bad_row = bad_row(conn, *verdict.verify.first_bad_id);
        if (pins && !pins->heads.empty()) {
            verdict.pins_checked = pins->heads.size();
            verdict.pin_breaks = check_pins(pins->heads, lanes_now(conn, pins->heads));
        }
        if (verdict.intact())
            now.heads = current_heads(conn);
        run_command(conn, "COMMIT");
    } catch (const QueryError &e) {
        throw explain_failure(e, conn, profile, "verifying redline.audit_log");
    }
    // Only an intact log moves the pins: after tampering, the old heads stay the evidence.
    if (verdict.intact() && !now.heads.empty()) {
        save_pins(file, now, profile.name);
        verdict.pinned = now.heads.size();
    }

    std::string out = options.format == "json" ? verdict_json(verdict) : verdict_text(verdict, palette);
    std::fputs(out.c_str(), stdout);
    if (verdict.intact())
        return 0;
    std::fflush(stdout);
    throw CommandRefusal{exit_audit_tampered, verdict_summary(verdict), true};
}

int run_review(PGconn *conn, const Profile &profile, const AuditOptions &options, const Palette &palette)
{
    ReviewSettings settings;
    settings.since_seconds = *parse_period(options.since);
    settings.role = options.role;
    settings.windows = parse_windows(options.window);
    settings.bulk_rows = options.bulk;
    settings.burst_count = options.burst;
    settings.burst_seconds = *parse_period(options.burst_within);

    Review review;
    review.profile = profile.name;
    auto ask = [conn](const ParamQuery &q) { return run_query(conn, q.sql, q.params); };
    try {
        run_command(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        review.context = ask(review_context_query(settings));
        review.outside_window = writes_outside(ask(review_writes_query(settings)), settings.windows);
        review.bulk = ask(review_bulk_query(settings));
        review.refusals = ask(review_refusals_query(settings));
        review.new_addresses = ask(review_new_addresses_query(settings));
        review.new_roles = ask(review_new_roles_query(settings));
        review.bursts = ask(review_bursts_query(settings));
        run_command(conn, "COMMIT");
    } catch (const QueryError &e) {
        throw explain_failure(e, conn, profile, "reviewing redline.audit_log");
    }
    std::string out =
        options.format == "json" ? review_json_lines(review, settings) : review_text(review, settings, palette);
    std::fputs(out.c_str(), stdout);
    return 0;
}

std::string period_check(const std::string &value) { return period_error(value); }

// The message of the std::invalid_argument `parse` throws for `value`, or "" when it reads.
template <class Parse>
std::string parse_error(Parse parse, const std::string &value)
{
    try {
        parse(value);
        return "";
    } catch (const std::invalid_argument &e) {
        return e.what();
    }
}

std::string window_check(const std::string &value) { return parse_error(parse_windows, value); }

std::string events_check(const std::string &value) { return parse_error(parse_event_classes, value); }

std::string count_check(const std::string &value)
{
    bool digits = !value.empty() && value.size() <= 12 && value.find_first_not_of("0123456789") == std::string::npos;
    if (digits && std::stoll(value) > 0)
        return "";
    return fmt::format("\"{}\" is not a count: write a whole number of 1 or more", value);
}

} // namespace

CLI::App *define_audit(CLI::App &app, AuditOptions &options)
{
    CLI::App *sub = app.add_subcommand(
        "audit", "List, verify (--verify) and review (--review) the audit log of the profile's database");
    sub->add_option("PROFILE", options.profile, "The profile to connect with (see redline profile list)")->required();
    CLI::Option *since = sub->add_option("--since", options.since, "How far back to look: 30m, 12h, 7d, 2w, 1d12h")
                             ->check(period_check)
                             ->type_name("PERIOD")
                             ->default_str("7d");
    CLI::Option *role = sub->add_option("--role", options.role, "Only rows of this role, as session or effective role")
                            ->type_name("ROLE");
    CLI::Option *event = sub->add_option("--event", options.events,
                                         "Only these event classes, comma-separated: " + audit_event_class_list())
                             ->check(events_check)
                             ->type_name("CLASS[,CLASS...]");
    sub->add_option("--format", options.format,
                    "table (aligned, coloured by decision), json (one object per line: JSON lines for a SIEM) or "
                    "csv (RFC 4180, with a header); --verify and --review print table or json")
        ->check(CLI::IsMember({"table", "json", "csv"}))
        ->type_name("FORMAT")
        ->default_str("table");
    sub->add_option("--tz", options.tz,
                    "Show times, and apply --window, in this time zone (Europe/Berlin, UTC) instead of the server's "
                    "TimeZone setting")
        ->type_name("ZONE");
    CLI::Option *verify = sub->add_flag(
        "--verify", options.verify,
        "Check the hash chains (redline.verify_audit()) and the lane heads pinned by the last --verify; pin the "
        "current heads when all is intact");
    CLI::Option *review = sub->add_flag("--review", options.review,
                                        "Print the weekly review over --since: writes outside the deployment windows, "
                                        "bulk writes, refusals, new client addresses and roles, failed-login bursts");
    CLI::Option *window =
        sub->add_option("--window", options.window,
                        "With --review: when writes are expected, comma-separated DAYS HH:MM-HH:MM windows; the end "
                        "minute is included, an end before the start runs past midnight")
            ->check(window_check)
            ->type_name("WINDOWS")
            ->default_str("Mon-Fri 09:00-17:00");
    CLI::Option *bulk = sub->add_option("--bulk", options.bulk,
                                        "With --review: a write of this many rows or more is "
                                        "a finding")
                            ->check(count_check)
                            ->type_name("ROWS")
                            ->default_str("1000");
    CLI::Option *burst =
        sub->add_option("--burst", options.burst,
                        "With --review: this many failed logins for one role or one address within --burst-within "
                        "are a burst")
            ->check(count_check)
            ->type_name("COUNT")
            ->default_str("5");
    CLI::Option *burst_within =
        sub->add_option("--burst-within", options.burst_within, "With --review: the span of a burst")
            ->check(period_check)
            ->type_name("PERIOD")
            ->default_str("10m");
    verify->excludes(review)->excludes(since)->excludes(role)->excludes(event);
    review->excludes(event);
    for (CLI::Option *option : {window, bulk, burst, burst_within})
        option->needs(review);
    sub->callback([&options]() {
        if (options.format == "csv" && (options.verify || options.review))
            throw CLI::ValidationError("--format", "csv lists rows; --verify and --review print table or json");
    });
    sub->footer("Reads redline.audit_log of the profile's database (the profile's role needs redline_auditor).\n"
                "Failed logins, and the events of databases where redline's extension is not created, are kept\n"
                "in the audit database (SHOW redline.audit_database; postgres by default).\n"
                "Times are in the server's TimeZone setting (or PGTZ), unless --tz names another zone.\n"
                "--verify keeps the last row of every lane in $XDG_CONFIG_HOME/redline/audit-pins/PROFILE.heads\n"
                "(mode 0600) and checks them next time: rows cut from the end of a lane, or a lane rewritten with\n"
                "its hashes recomputed, are found even though the chains themselves are consistent.\n"
                "Examples:\n"
                "  redline audit prod --since 24h --event refused,auth_failed\n"
                "  redline audit prod --since 7d --format json > audit.jsonl\n"
                "  redline audit prod --role alice --format csv > alice.csv\n"
                "  redline audit prod --verify\n"
                "  redline audit prod --review --window 'Tue-Thu 10:00-16:00, Sat 09:00-11:00' --tz Europe/Berlin\n"
                "Exit status: 0 listed, reviewed, or verified intact; 1 error (profile, connection, no extension\n"
                "in the database, no right to read the log); 6 --verify found the log tampered with (the row or\n"
                "lane is named; the pinned heads are kept); 100 and above: a mistake on the command line.");
    return sub;
}

int run_audit(const AuditOptions &options, const CommandContext &context)
{
    const Palette &palette = context.palette;
    Profile profile = find_profile(options.profile);
    PqConnection conn = open_connection(profile, options, context.global.verbose);
    if (options.verify)
        return run_verify(conn.get(), profile, options, palette);
    if (options.review)
        return run_review(conn.get(), profile, options, palette);
    return run_listing(conn.get(), profile, options, palette);
}

} // namespace redline::cli
