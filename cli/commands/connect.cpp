// The order matters, as for redline token: what can fail without the network fails first;
// the server is asked once what it is and whether the session would be locked; the person
// is asked only when a token is needed; the terminal is painted last, right before psql
// starts, and put back however psql ends.
#include "commands/connect.hpp"
#include "app/command_refusal.hpp"
#include "presence/gate.hpp"
#include "profiles/profile.hpp"
#include "server/connection.hpp"
#include "server/session.hpp"
#include "signing/key.hpp"
#include "signing/mint_token.hpp"
#include "signing/options.hpp"
#include "terminal/child_process.hpp"
#include "terminal/guard.hpp"
#include "terminal/paint.hpp"
#include "terminal/psql_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/color.h>
#include <fmt/format.h>

#include <duration.hpp>
#include <rfc3339.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <stdexcept>
#include <unistd.h>

extern char **environ;

namespace redline::cli {

namespace {

void say(const std::string &line) { std::fputs(fmt::format("redline: {}\n", line).c_str(), stderr); }

// The token psql presents in PGOPTIONS, after the person check. Returns PGOPTIONS.
std::string unlock(const Profile &profile, AuthMethod method, const ServerSession &server, long long ttl,
                   const std::string &where, const Palette &palette, bool verbose)
{
    std::filesystem::path key_file = signing_key_file(profile);
    token::SecretKey key = read_signing_key(key_file);
    if (verbose)
        say(fmt::format("signing key {}; confirming presence with {}", key_file.string(), auth_method_name(method)));

    PresenceRequest presence;
    presence.method = method;
    presence.environment = server.identity.environment;
    presence.pam_service = profile.pam_service;
    presence.pam_amr = profile.pam_amr;
    presence.purpose = fmt::format("a session on {}", profile.name);
    SessionTokenRequest request;
    try {
        request.amr = prove_presence(presence, palette);
    } catch (const PresenceRefused &refused) {
        throw CommandRefusal{refused.exit_code(), fmt::format("{}; psql was not started", refused.what())};
    }
    request.role = server.identity.session_user;
    request.environment = server.identity.environment;
    request.cluster_id = server.identity.cluster_id;
    request.now = std::time(nullptr);
    request.ttl_seconds = ttl;
    std::string token = mint_session_token(key, request);

    auto until = token::format_rfc3339(request.now + ttl);
    const char *unlocked = server.require_token == TokenRequirement::connect ? "unlocked" : "unlocked for writes";
    say(fmt::format("{}: session of \"{}\" {} until {} ({}, key {})", where, request.role, unlocked,
                    until ? *until : "?", token::format_duration(ttl).value_or("?"), key_file.filename().string()));
    return pgoptions_with_token(std::getenv("PGOPTIONS"), token);
}

// psql's command line as a person would type it, for --verbose.
std::string shown(const std::vector<std::string> &argv)
{
    std::string out;
    for (const std::string &arg : argv) {
        bool plain = !arg.empty() && arg.find_first_of(" '\"\\$%`") == std::string::npos;
        out += out.empty() ? "" : " ";
        out += plain ? arg : fmt::format("'{}'", arg);
    }
    return out;
}

} // namespace

int run_connect(const ConnectOptions &options, const CommandContext &context)
{
    ColorMode mode = context.global.color;
    bool verbose = context.global.verbose;
    Palette palette = options.no_color ? Palette::plain() : context.palette;
    long long ttl = parse_token_ttl(options.ttl);
    Profile profile = find_profile(options.profile);
    AuthMethod method = auth_method_for(profile, options.auth);
    auto require_method = [&] {
        try {
            require_presence_method(method, profile.pam_service);
        } catch (const PresenceRefused &refused) {
            throw CommandRefusal{refused.exit_code(), fmt::format("{}; psql was not started", refused.what())};
        }
    };
    if (options.write)
        require_method();
    std::string psql = find_psql(std::getenv("PG_BIN"), std::getenv("PATH"));

    if (verbose)
        say(fmt::format("connecting with profile {} ({})", profile.name, profile_conninfo(profile)));
    ServerSession server = read_server_session(profile);
    if (verbose)
        say(fmt::format("the server reports environment {}, colour \"{}\"; role \"{}\": require_token {}, {}, {} "
                        "(from {})",
                        server.identity.environment, server.color, server.identity.session_user,
                        token_requirement_name(server.require_token), server.exempt ? "exempt" : "not exempt",
                        server.locked ? "opens locked" : "opens unlocked",
                        server.from_status ? "redline.status()" : "SHOW, no extension in this database"));
    const char *expected = environment_name(profile.environment);
    // In the danger colour, unless --no-color asked for none at all.
    if (server.identity.environment != expected)
        throw CommandRefusal{
            exit_environment_differs,
            fmt::format("profile {} says {} but the server reports {}: psql was not started; check the "
                        "profile's service or DSN (redline profile list)",
                        profile.name, expected, server.identity.environment),
            !options.no_color};

    Environment environment = profile.environment; // the server's, as checked above
    std::optional<fmt::rgb> rgb = environment_rgb(environment, server.color);
    std::string where = fmt::format(
        "{} ({})", fmt::styled(server.identity.environment, rgb && palette.enabled ? fmt::fg(*rgb) : fmt::text_style{}),
        profile.name);

    // A locked session needs a token to write (require_token = write) or to do anything at
    // all (connect); the probe presented none, so "locked" is what psql would meet.
    bool gate = server.require_token == TokenRequirement::connect;
    std::vector<std::string> child_environment;
    if (server.locked && (options.write || gate)) {
        if (!options.write)
            require_method();
        child_environment = with_pgoptions(environ, unlock(profile, method, server, ttl, where, palette, verbose));
    } else {
        for (char **entry = environ; *entry != nullptr; ++entry)
            child_environment.emplace_back(*entry);
        if (server.locked)
            say(fmt::format(palette.warning,
                            "{}: session of \"{}\" is read-only; to write, reconnect with: redline connect {} --write",
                            where, server.identity.session_user, profile.name));
        else if (options.write && server.exempt)
            say(fmt::format("{}: no token needed: role \"{}\" is exempt (redline.exempt_roles)", where,
                            server.identity.session_user));
        else if (options.write && server.require_token == TokenRequirement::none)
            say(fmt::format("{}: no token needed: redline.require_token is none here", where));
        else if (options.write)
            say(fmt::format("{}: no token needed: the server does not lock this session (redline.enforce is off)",
                            where));
    }

    PaintRequest paint;
    paint.environment = environment;
    paint.color = server.color;
    paint.profile = profile.name;
    const char *term = std::getenv("TERM");
    paint.terminal = ::isatty(STDOUT_FILENO) == 1 && !(term != nullptr && std::string_view(term) == "dumb");
    paint.colors = !options.no_color && use_color(mode, ::isatty(STDOUT_FILENO) == 1, std::getenv("NO_COLOR"), term);
    PaintPlan plan = plan_paint(paint);
    if (plan.autocommit_off)
        say("autocommit is off: each change waits for COMMIT (ROLLBACK drops it)");
    std::vector<std::string> argv = psql_arguments(psql, profile_conninfo(profile), plan, options.psql_args);

    if (verbose)
        say(fmt::format("starting {}", shown(argv)));
    SignalShield shield;
    TerminalGuard terminal(plan);
    int status = run_child(psql, argv, child_environment);
    terminal.restore();
    return status;
}

CLI::App *define_connect(CLI::App &app, ConnectOptions &options)
{
    CLI::App *sub = app.add_subcommand(
        "connect", "Open psql on the profile's server, painted for the environment the server reports; read-only in "
                   "production unless --write");
    sub->add_option("PROFILE", options.profile, "The profile to connect with (see redline profile list)")->required();
    sub->add_option("PSQL_ARGS", options.psql_args, "After --: arguments for psql, given unchanged (-- -c 'SELECT 1')");
    sub->add_flag("--write", options.write,
                  "Unlock the session for writes: confirm presence, sign a session token and give it to psql in "
                  "PGOPTIONS (never on its command line)");
    sub->add_flag("--no-color", options.no_color,
                  "No colours and no background; the title and prompt still name the environment (as NO_COLOR=1)");
    add_ttl_option(*sub, options.ttl);
    add_auth_option(*sub, options.auth);
    sub->footer(
        "The server decides, not the profile: redline reads redline.environment and redline.color as the\n"
        "server reports them, refuses a profile whose environment differs, and asks redline.status()\n"
        "whether the session would be locked (redline.require_token, redline.exempt_roles).\n"
        "Production: red background (OSC 11), title \"PRODUCTION \u2014 PROFILE\", a prompt that names it, and\n"
        "AUTOCOMMIT off, so every change waits for COMMIT. Staging orange, development green, local\n"
        "untouched. The terminal is put back when psql ends, also on Ctrl-C, kill or a closed window.\n"
        "Without --write a write-locked session opens read-only; with require_token = connect a token\n"
        "is always needed. psql is $PG_BIN/psql, else the psql on PATH.\n"
        "Exit status: psql's own once it has started (0 after \\q); before that 1 error (profile, key,\n"
        "connection, psql not found); 2 auth method not available; 3 the server's environment is not\n"
        "the profile's; 4 the person check did not pass; 100 and above: a mistake on the command line.");
    return sub;
}

} // namespace redline::cli
