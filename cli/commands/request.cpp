// Nothing is run before the script is known to hold no transaction control and the server
// is known to be in the profile's environment; then every statement is tried, in order, in
// one transaction that is rolled back. A protected operation is refused by the server
// (RL200) before anything is destroyed, and its refusal names every object: that is the
// list this command prints. DROP DATABASE cannot run in a transaction, so it is not tried:
// the database it names is looked up instead.
#include "commands/request.hpp"
#include "app/command_refusal.hpp"
#include "app/exit_codes.hpp"
#include "approvals/needed.hpp"
#include "profiles/profile.hpp"
#include "server/connection.hpp"
#include "server/identity.hpp"
#include "server/trial_transaction.hpp"
#include "sql/statements.hpp"

#include <CLI/CLI.hpp>
#include <fmt/color.h>
#include <fmt/format.h>

#include <protected_ops.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace redline::cli {

namespace {

constexpr const char *approval_required = "RL200";
constexpr const char *large_rewrite = "RL201";
constexpr const char *active_sql_transaction = "25001";
constexpr const char *lock_not_available = "55P03";

std::string read_script(const std::string &file)
{
    if (file == "-")
        return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::runtime_error(fmt::format("cannot read {}", file));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw std::runtime_error(fmt::format("cannot read {}", file));
    return text.str();
}

// The start of a statement on one line, for messages: "DROP TABLE orders, users".
std::string excerpt(const std::string &statement)
{
    constexpr std::size_t width = 60;
    std::string out;
    bool space = false;
    for (char c : statement) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
        if (out.size() > width)
            return out.substr(0, width) + "...";
    }
    return out;
}

// What one statement turned out to need.
struct Outcome {
    enum Kind { no_approval, needs_approval, not_tried, failed } kind = no_approval;
    RefusedApprovals approvals;
    ServerError error; // failed, not_tried
};

bool drop_database_protected(PGconn *conn, const ServerIdentity &server)
{
    std::string error;
    auto shown = single_value(conn, "SHOW redline.protected", error);
    if (!shown)
        throw std::runtime_error(fmt::format("cannot read redline.protected: {}", error));
    ProtectedParse parsed = parse_protected_ops(*shown);
    unsigned ops = parsed.mask;
    if (parsed.automatic) {
        auto env = parse_environment(server.environment);
        ops = env ? default_protected_ops(*env) : ~0u;
    }
    return !parsed.ok || (ops & op_drop_database) != 0;
}

Outcome try_database_drop(PGconn *conn, TrialTransaction &trial, const ServerIdentity &server, const DatabaseDrop &drop)
{
    Outcome outcome;
    if (!drop_database_protected(conn, server))
        return outcome;
    // The identity the server would name, quoted as getObjectIdentity quotes it.
    auto identity = trial.lookup("SELECT pg_catalog.quote_ident(datname) FROM pg_catalog.pg_database "
                                 "WHERE datname = $1",
                                 drop.name);
    if (!identity) {
        if (drop.if_exists)
            return outcome;
        outcome.kind = Outcome::failed;
        outcome.error.sqlstate = "3D000";
        outcome.error.message = fmt::format("database \"{}\" does not exist", drop.name);
        return outcome;
    }
    outcome.kind = Outcome::needs_approval;
    outcome.approvals.approvals.push_back(NeededApproval{"drop_database", *identity});
    return outcome;
}

Outcome try_statement(TrialTransaction &trial, const std::string &statement, const std::string &login_role)
{
    Outcome outcome;
    auto error = trial.attempt(statement);
    if (!error)
        return outcome;
    outcome.error = *error;
    if (error->sqlstate == approval_required || error->sqlstate == large_rewrite) {
        if (auto approvals = parse_approval_hint(error->hint, login_role)) {
            outcome.kind = Outcome::needs_approval;
            outcome.approvals = *approvals;
            return outcome;
        }
    }
    outcome.kind = error->sqlstate == active_sql_transaction ? Outcome::not_tried : Outcome::failed;
    return outcome;
}

void say(const std::string &line) { std::fputs(fmt::format("redline: {}\n", line).c_str(), stderr); }

// The server's refusal, whole, and for the write lock the way through it.
void report_failure(const SqlStatement &statement, const ServerError &error, const RequestOptions &options)
{
    say(fmt::format("line {}: {}: {}{}", statement.line, excerpt(statement.text), error.message,
                    error.sqlstate.empty() ? "" : fmt::format(" ({})", error.sqlstate)));
    if (!error.detail.empty())
        say(fmt::format("  detail: {}", one_line(error.detail.c_str())));
    bool locked = error.sqlstate == "RL100" || error.sqlstate == "RL102";
    if (locked && options.token.empty()) {
        // The server's hint unlocks a psql session; this one is redline request's own.
        say(fmt::format("the session is locked, so the write lock refused the statement before its approvals could "
                        "be checked: try it again in an unlocked session, with a session token (it is spent): "
                        "redline request {} --token \"$(redline token {})\" ...",
                        options.profile, options.profile));
    } else if (!error.hint.empty()) {
        say(fmt::format("  hint: {}", one_line(error.hint.c_str())));
    }
    if (error.sqlstate == lock_not_available)
        say(fmt::format("redline request waits at most {} for a lock, so that the queries queued behind it wait no "
                        "longer: try again once the transaction that holds it has ended",
                        trial_lock_timeout));
}

} // namespace

int run_request(const RequestOptions &options, const CommandContext &context)
{
    const Palette &palette = context.palette;
    std::string script = options.file.empty() ? options.command : read_script(options.file);
    std::vector<SqlStatement> statements = split_statements(script);
    if (statements.empty())
        throw std::runtime_error("there is no statement to try: give it with -c SQL or -f FILE");
    for (const auto &s : statements)
        if (is_transaction_control(s.text))
            throw std::runtime_error(fmt::format(
                "line {}: {} is transaction control: redline request tries the statements in a transaction of its "
                "own and rolls it back; give the statements without BEGIN, COMMIT, ROLLBACK or SAVEPOINT; nothing "
                "was run",
                s.line, excerpt(s.text)));
    Profile profile = find_profile(options.profile);

    PqConnection conn = connect_profile(profile, options.token);
    ServerIdentity server = read_server_identity(conn.get(), profile, true);
    std::string expected = environment_name(profile.environment);
    if (server.environment != expected)
        throw CommandRefusal{exit_environment_differs,
                             fmt::format("profile {} says {} but the server reports {}: nothing was run; check the "
                                         "profile's service or DSN (redline profile list)",
                                         profile.name, expected, server.environment),
                             true};
    std::string role = options.for_role.empty() ? server.session_user : options.for_role;

    std::vector<NeededApproval> needed;
    std::size_t unlisted = 0;
    bool failed = false;
    std::size_t tried = 0;
    {
        TrialTransaction trial(conn.get());
        for (const auto &statement : statements) {
            auto drop = database_drop(statement.text);
            Outcome outcome = drop ? try_database_drop(conn.get(), trial, server, *drop)
                                   : try_statement(trial, statement.text, server.session_user);
            tried++;
            if (outcome.kind == Outcome::failed) {
                report_failure(statement, outcome.error, options);
                failed = true;
                break;
            }
            if (outcome.kind == Outcome::not_tried) {
                say(fmt::format("line {}: {} was not tried (it cannot run inside a transaction); it needs no "
                                "approval",
                                statement.line, excerpt(statement.text)));
                continue;
            }
            if (outcome.kind == Outcome::no_approval)
                continue;
            const auto &found = outcome.approvals;
            say(fmt::format("line {}: {} needs {} approval{}{}", statement.line, excerpt(statement.text),
                            found.approvals.size() + found.unlisted,
                            found.approvals.size() + found.unlisted == 1 ? "" : "s",
                            drop ? " (it cannot run in a transaction: the database was looked up, not dropped)" : ""));
            if (outcome.error.sqlstate == large_rewrite) {
                // The server's own alternative to an approval: the safe way to do it.
                std::string_view hint = outcome.error.hint;
                say(fmt::format("  {}. {}", outcome.error.message, hint.substr(0, hint.find(" Or have it approved"))));
            }
            for (const auto &approval : found.approvals)
                if (std::find(needed.begin(), needed.end(), approval) == needed.end())
                    needed.push_back(approval);
            unlisted += found.unlisted;
        }
        trial.rollback();
    }

    for (const auto &approval : needed)
        std::fputs(fmt::format("{}\n", approve_command("PROFILE", approval, role)).c_str(), stdout);
    std::fflush(stdout);

    std::string rolled_back = "nothing was changed: the transaction was rolled back";
    if (failed && tried < statements.size())
        say(fmt::format("the {} statement{} after it {} not tried", statements.size() - tried,
                        statements.size() - tried == 1 ? "" : "s", statements.size() - tried == 1 ? "was" : "were"));
    if (needed.empty() && unlisted == 0) {
        if (!failed)
            say(fmt::format("no approval is needed for the statement{}; {}", statements.size() == 1 ? "" : "s",
                            rolled_back));
        else
            say(rolled_back);
        return failed ? 1 : 0;
    }
    if (unlisted > 0)
        say(fmt::format("and {} more objects the server did not name (it names a statement's objects up to a "
                        "limit): once these are approved, present the tokens and run the statement to see the rest",
                        unlisted));
    say(fmt::format(
        "{}; send {} to an approver (a member of redline_approver other than \"{}\"), who runs "
        "{} with their own profile for {} in place of PROFILE and sends back the token{}",
        rolled_back, needed.size() == 1 ? "this line" : "these lines", role, needed.size() == 1 ? "it" : "each",
        fmt::styled(server.environment, palette.environment(profile.environment)), needed.size() == 1 ? "" : "s"));
    say(fmt::format("then run: SET redline.approval_token = '{}'; and the statement{} again",
                    needed.size() == 1 ? "<token>" : "<token>,<token>...", statements.size() == 1 ? "" : "s"));
    return failed ? 1 : 0;
}

CLI::App *define_request(CLI::App &app, RequestOptions &options)
{
    CLI::App *sub = app.add_subcommand(
        "request", "List the approvals a statement needs, by trying it in a transaction that is rolled back");
    sub->add_option("PROFILE", options.profile, "The profile to try the statement with (see redline profile list)")
        ->required();
    auto *statement = sub->add_option_group("statement", "What to try: exactly one of -c and -f");
    statement->add_option("-c,--command", options.command, "The statement (or several, separated by semicolons)")
        ->type_name("SQL");
    statement->add_option("-f,--file", options.file, "A file of statements; - reads them from stdin")
        ->type_name("FILE");
    statement->require_option(1);
    sub->add_option("--for", options.for_role,
                    "The login role that will run the statement (default: the role the profile logs in as)")
        ->type_name("ROLE");
    sub->add_option("--token", options.token,
                    "A session token (redline token PROFILE) for a session that is read-only until unlocked: the "
                    "write lock refuses a statement before its approvals are checked; the token is spent")
        ->type_name("TOKEN");
    sub->footer("Prints one redline approve line per object on stdout, PROFILE standing for the approver's own\n"
                "profile; what each statement needs, on stderr. Nothing is changed: the statements run in one\n"
                "transaction, with no approval token presented, and it is rolled back; the server refuses a\n"
                "protected operation before it destroys anything. Transaction control (BEGIN, COMMIT...) is\n"
                "refused before anything runs.\n"
                "Exit status: 0 listed (or none needed); 1 error, or a statement the server refused for another\n"
                "reason (the write lock: pass --token); 3 the server's environment is not the profile's (nothing\n"
                "was run); 100 and above: a mistake on the command line.");
    return sub;
}

} // namespace redline::cli
