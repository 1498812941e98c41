// Asks redline.status() over the profile's connection, or, in a database without the
// extension, the settings every session can SHOW; prints them as the server sent them and
// compares the environment with the profile's.
#include "commands/status.hpp"
#include "app/command_refusal.hpp"
#include "app/exit_codes.hpp"
#include "profiles/profile.hpp"
#include "server/connection.hpp"

#include <CLI/CLI.hpp>
#include <fmt/color.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace redline::cli {

namespace {

// What a database without CREATE EXTENSION redline still answers: the preloaded library's
// settings.
constexpr const char *fallback_settings[] = {"environment", "color", "cluster_id", "require_token"};

std::string shown_value(const StatusField &field)
{
    if (!field.value || field.value->empty())
        return "-";
    if (field.kind == StatusField::Kind::boolean)
        return *field.value == "t" ? "yes" : "no";
    return *field.value;
}

fmt::text_style environment_style(const StatusReport &report, const Palette &palette)
{
    std::string color = report.value("color");
    if (!color.empty())
        return palette.paint(color);
    auto env = parse_environment(report.value("environment"));
    return env ? palette.environment(*env) : fmt::text_style{};
}

fmt::text_style field_style(const StatusReport &report, const StatusField &field, const Palette &palette)
{
    if (!field.value || field.value->empty())
        return palette.muted;
    if (field.name == "environment")
        return environment_style(report, palette);
    if (field.name == "enforcing" && *field.value == "f")
        return palette.danger;
    return {};
}

StatusReport read_report(PGconn *conn, const Profile &profile)
{
    StatusReport report;
    report.profile = profile.name;
    report.profile_environment = profile.environment;
    report.connection = profile_conninfo(profile);
    try {
        report.fields = status_fields(run_query(conn, "SELECT * FROM redline.status()"));
        return report;
    } catch (const QueryError &e) {
        // No schema redline, or one without status(): the extension is not created here.
        if (e.sqlstate != "3F000" && e.sqlstate != "42883")
            throw std::runtime_error(fmt::format("redline.status() failed on the server of profile \"{}\": {}{}",
                                                 profile.name, e.what(), e.hint.empty() ? "" : "; " + e.hint));
    }
    report.extension = false;
    for (const char *name : fallback_settings) {
        try {
            QueryRows rows = run_query(conn, fmt::format("SHOW redline.{}", name));
            std::optional<std::string> value;
            if (rows.rows.size() == 1 && rows.rows[0].size() == 1)
                value = rows.rows[0][0];
            // SHOW says "auto" where the environment's default applies; status() says which.
            auto env = parse_environment(report.value("environment"));
            if (value == "auto" && env)
                value = token_requirement_name(environment_defaults(*env).require_token);
            report.fields.push_back(StatusField{name, value, StatusField::Kind::text});
        } catch (const QueryError &e) {
            throw std::runtime_error(fmt::format(
                "the server of profile \"{}\" does not know redline.{} ({}): redline is not loaded there; add it to "
                "shared_preload_libraries and restart the server",
                profile.name, name, e.what()));
        }
    }
    return report;
}

} // namespace

std::string StatusReport::value(const std::string &name) const
{
    for (const StatusField &field : fields)
        if (field.name == name)
            return field.value.value_or("");
    return "";
}

std::vector<StatusField> status_fields(const QueryRows &rows)
{
    std::vector<StatusField> fields;
    if (rows.rows.size() != 1)
        throw std::runtime_error(fmt::format("redline.status() returned {} rows instead of one", rows.rows.size()));
    for (std::size_t c = 0; c < rows.columns.size(); ++c) {
        unsigned type = rows.types[c];
        StatusField::Kind kind = type == bool_oid                                           ? StatusField::Kind::boolean
                                 : type == int2_oid || type == int4_oid || type == int8_oid ? StatusField::Kind::number
                                                                                            : StatusField::Kind::text;
        fields.push_back(StatusField{rows.columns[c], rows.rows[0][c], kind});
    }
    return fields;
}

std::string format_status(const StatusReport &report, const Palette &palette)
{
    std::size_t width = std::string_view("connection").size();
    for (const StatusField &field : report.fields)
        width = std::max(width, field.name.size());
    std::string out;
    out += fmt::format(
        "{:<{}}  {} (made for {})\n", "profile", width, report.profile,
        fmt::styled(environment_name(report.profile_environment), palette.environment(report.profile_environment)));
    out += fmt::format("{:<{}}  {}\n", "connection", width, report.connection);
    for (const StatusField &field : report.fields)
        out += fmt::format("{:<{}}  {}\n", field.name, width,
                           fmt::styled(shown_value(field), field_style(report, field, palette)));
    if (!report.extension)
        out += fmt::format(palette.muted,
                           "redline.status() is not in this database: CREATE EXTENSION redline adds the rest "
                           "(version, login role, exemption, row budget, lock state)\n");
    return out;
}

std::string status_json(const StatusReport &report)
{
    nlohmann::ordered_json status = nlohmann::ordered_json::object();
    for (const StatusField &field : report.fields) {
        if (!field.value)
            status[field.name] = nullptr;
        else if (field.kind == StatusField::Kind::boolean)
            status[field.name] = *field.value == "t";
        else if (field.kind == StatusField::Kind::number)
            status[field.name] = std::stoll(*field.value);
        else
            status[field.name] = *field.value;
    }
    nlohmann::ordered_json out;
    out["profile"] = report.profile;
    out["profile_environment"] = environment_name(report.profile_environment);
    out["extension"] = report.extension;
    out["environment_matches"] = environment_mismatch(report).empty();
    out["status"] = status;
    return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string environment_mismatch(const StatusReport &report)
{
    std::string expected = environment_name(report.profile_environment);
    std::string actual = report.value("environment");
    if (actual == expected)
        return "";
    return fmt::format("profile {} says {} but its server reports {}: do not use this profile until its service or "
                       "DSN is corrected (redline profile list)",
                       report.profile, expected, actual.empty() ? "no environment" : actual);
}

CLI::App *define_status(CLI::App &app, StatusOptions &options)
{
    CLI::App *sub = app.add_subcommand(
        "status", "Show what the profile's server enforces for your session: environment, guards, write lock");
    sub->add_option("PROFILE", options.profile, "The profile to connect with (see redline profile list)")->required();
    sub->add_flag("--json", options.json, "Print one JSON object instead of the listing, for scripts");
    sub->footer("Connects once and prints SELECT * FROM redline.status(): the environment (in its colour),\n"
                "whether redline enforces, the login role and whether it is exempt, the row budget, and the\n"
                "write lock (locked, unlocked until, by which key and method). The session presents no token,\n"
                "so it shows how a new session of your role starts. In a database without CREATE EXTENSION\n"
                "redline it shows the settings only (environment, color, cluster_id, require_token).\n"
                "Exit status: 0 shown; 1 error (profile, connection, redline not loaded on the server);\n"
                "3 the server's environment is not the profile's (the listing is still shown);\n"
                "100 and above: a mistake on the command line.");
    return sub;
}

int run_status(const StatusOptions &options, const CommandContext &context)
{
    Profile profile = find_profile(options.profile);
    PqConnection conn = connect_profile_verbosely(profile, context.global.verbose);
    StatusReport report = read_report(conn.get(), profile);
    conn.reset();

    std::string out = options.json ? status_json(report) : format_status(report, context.palette);
    std::fputs(out.c_str(), stdout);
    std::string mismatch = environment_mismatch(report);
    if (mismatch.empty())
        return 0;
    std::fflush(stdout);
    throw CommandRefusal{exit_environment_differs, mismatch, true};
}

} // namespace redline::cli
