// Reads the signing key, derives its public half and prints the enroll_key statement; with
// --execute, checks the server is the profile's environment and runs exactly that statement,
// so what a DBA would paste and what the CLI runs are the same text.
#include "commands/enroll.hpp"
#include "app/command_refusal.hpp"
#include "app/exit_codes.hpp"
#include "profiles/profile.hpp"
#include "server/connection.hpp"
#include "server/identity.hpp"
#include "server/query.hpp"
#include "signing/key.hpp"
#include "sql/literal.hpp"
#include "store_format.hpp"

#include <CLI/CLI.hpp>
#include <fmt/color.h>
#include <fmt/format.h>

#include <keys.hpp>
#include <paserk.hpp>

#include <cstdio>
#include <stdexcept>

namespace redline::cli {

namespace {

constexpr std::string_view secret_suffix = ".k4.secret";

void say(const std::string &line) { std::fputs((line + "\n").c_str(), stderr); }

} // namespace

int run_enroll(const EnrollOptions &options, const CommandContext &context)
{
    const Palette &palette = context.palette;
    bool verbose = context.global.verbose;
    Profile profile = find_profile(options.profile);
    std::filesystem::path key_file =
        options.key.empty() ? signing_key_file(profile) : std::filesystem::absolute(options.key).lexically_normal();
    token::SecretKey secret = read_signing_key(key_file);
    token::PublicKey public_key = token::public_half(secret);
    auto paserk = token::paserk_public(public_key);
    auto key_id = token::paserk_pid(public_key);
    if (!paserk || !key_id)
        throw std::runtime_error("cannot encode the public key: nothing was enrolled");
    std::string label = options.label.empty() ? key_file_label(key_file) : options.label;
    if (label.size() > store::max_label_size)
        throw std::runtime_error(fmt::format("the label is {} bytes; the server keeps at most {}: choose a shorter "
                                             "--label",
                                             label.size(), store::max_label_size));
    std::string statement = enroll_statement(options.role, *paserk, label);
    std::string environment = environment_name(profile.environment);
    if (verbose)
        say(fmt::format("redline: signing key {} (key id {}), label \"{}\"", key_file.string(), *key_id, label));

    if (!options.execute) {
        std::fputs((statement + "\n").c_str(), stdout);
        say(fmt::format("redline: send this statement to a redline_admin of {} ({}), or run it yourself with redline "
                        "enroll {} --role {} --execute if you are one",
                        profile.name, fmt::styled(environment, palette.environment(profile.environment)), profile.name,
                        options.role));
        return 0;
    }

    if (verbose)
        say(fmt::format("redline: connecting with profile {} ({})", profile.name, profile_conninfo(profile)));
    PqConnection conn = connect_profile(profile);
    if (verbose)
        say(fmt::format("redline: connected to {}", describe_connection(conn.get())));
    ServerIdentity server = read_server_identity(conn.get(), profile, false);
    if (server.environment != environment)
        throw CommandRefusal{exit_environment_differs,
                             fmt::format("profile {} says {} but the server reports {}: nothing was enrolled; check "
                                         "the profile's service or DSN (redline profile list)",
                                         profile.name, environment, server.environment),
                             true};

    std::vector<std::string> notices;
    collect_notices(conn.get(), notices);
    QueryRows result;
    try {
        result = run_query(conn.get(), statement);
    } catch (const QueryError &e) {
        std::string advice = enroll_refusal_advice(e.sqlstate, e.hint);
        throw CommandRefusal{exit_server_refused,
                             fmt::format("the server refused the enrolment: {}{}{}", e.what(),
                                         e.sqlstate.empty() ? "" : " (" + e.sqlstate + ")",
                                         advice.empty() ? "" : "; " + advice),
                             false, statement};
    }
    for (const std::string &notice : notices)
        say(fmt::format("redline: the server says: {}", notice));
    if (result.rows.size() != 1 || result.rows[0].size() != 1 || !result.rows[0][0])
        throw std::runtime_error("redline.enroll_key() returned no key id: check SELECT * FROM redline.keys;");
    const std::string &enrolled = *result.rows[0][0];
    std::fputs((enrolled + "\n").c_str(), stdout);
    say(fmt::format("redline: key \"{}\" enrolled for role \"{}\" on {} ({}); unlock with redline token {}", label,
                    options.role, profile.name,
                    fmt::styled(server.environment, palette.environment(profile.environment)), profile.name));
    if (enrolled != *key_id)
        say(fmt::format(palette.warning, "redline: warning: the server names the key {}, this CLI computes {}",
                        enrolled, *key_id));
    return 0;
}

std::string enroll_statement(std::string_view role, std::string_view public_key, std::string_view label)
{
    return fmt::format("SELECT redline.enroll_key({}, {}, {});", sql_literal(role), sql_literal(public_key),
                       sql_literal(label));
}

std::string key_file_label(const std::filesystem::path &file)
{
    std::string name = file.filename().string();
    if (name.size() > secret_suffix.size() &&
        name.compare(name.size() - secret_suffix.size(), secret_suffix.size(), secret_suffix) == 0)
        return name.substr(0, name.size() - secret_suffix.size());
    return name;
}

std::string enroll_refusal_advice(std::string_view sqlstate, const std::string &server_hint)
{
    if (sqlstate == "42501")
        return "ask a redline_admin (or a superuser) to run the statement below, or to GRANT redline_admin TO you";
    if (sqlstate == "3F000" || sqlstate == "42883")
        return "redline's functions are not in this database: a superuser runs CREATE EXTENSION redline (or ALTER "
               "EXTENSION redline UPDATE) there, which works in a locked session, then enroll again";
    if (sqlstate == "42704")
        return "keys are enrolled for an existing login role: create it first (CREATE ROLE ... LOGIN) or name "
               "another with --role";
    if (sqlstate == "42710")
        return "a key belongs to one role: make a separate key for this role with redline keygen --label LABEL and "
               "enroll that one with --key";
    if (sqlstate == "55000")
        return "a revoked key never comes back: make a new one with redline keygen and enroll it";
    return server_hint;
}

CLI::App *define_enroll(CLI::App &app, EnrollOptions &options)
{
    CLI::App *sub = app.add_subcommand(
        "enroll", "Print (or, as a redline_admin, run) the statement that enrolls your signing key for a role");
    sub->add_option("PROFILE", options.profile,
                    "The profile whose server the key is for; its key, unless --key (see redline profile list)")
        ->required();
    sub->add_option("--role", options.role, "The login role the key will unlock (one person's role)")
        ->type_name("ROLE")
        ->required();
    sub->add_option("--key", options.key,
                    "The k4.secret file to enroll the public half of (default: the key the profile signs with)")
        ->type_name("FILE");
    sub->add_option("--label", options.label,
                    "A name for the key on the server, such as laptop (default: the key file's label)")
        ->type_name("LABEL");
    sub->add_flag("--execute", options.execute,
                  "Connect with the profile and run the statement (needs a superuser or a member of redline_admin)");
    sub->footer("Without --execute, prints SELECT redline.enroll_key('ROLE', 'k4.public...', 'LABEL'); for a\n"
                "redline_admin to run; nothing is sent anywhere. With --execute, runs it on the profile's server\n"
                "(it works in a locked session) and prints the key id (k4.pid...) the server returns.\n"
                "Only the public half of the key is ever printed or sent.\n"
                "Exit status: 0 printed or enrolled; 1 error (profile, key, connection);\n"
                "3 the server's environment is not the profile's; 5 the server refused the enrolment\n"
                "(the message says what to do, and the statement is shown for a DBA);\n"
                "100 and above: a mistake on the command line.");
    return sub;
}

} // namespace redline::cli
