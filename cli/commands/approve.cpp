// The order is redline token's: what can fail without the network fails first (the
// operation, the object, the profile, the method, the key); the server is asked once, and
// what it says is checked (environment, the two-person rule, roles, lifetime) before the
// approver is asked to confirm.
#include "commands/approve.hpp"
#include "app/command_refusal.hpp"
#include "approvals/target.hpp"
#include "presence/gate.hpp"
#include "profiles/profile.hpp"
#include "server/connection.hpp"
#include "server/identity.hpp"
#include "signing/key.hpp"
#include "signing/mint_token.hpp"
#include "signing/options.hpp"

#include <CLI/CLI.hpp>
#include <fmt/color.h>
#include <fmt/format.h>

#include <duration.hpp>
#include <rfc3339.hpp>

#include <cstdio>
#include <ctime>
#include <optional>
#include <stdexcept>

namespace redline::cli {

namespace {

// What the server can say about an approval before it is signed. Each is nullopt when the
// session could not ask (a server that gates every query until a session token is shown):
// the server still checks all of it when the approval is presented.
struct ServerFacts {
    std::optional<bool> for_role_exists;
    std::optional<bool> approver; // the login role is a member of redline_approver
    std::optional<long long> max_ttl_seconds;
};

ServerFacts read_server_facts(PGconn *conn, const std::string &for_role)
{
    const char *query = "SELECT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = $1), "
                        "EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = 'redline_approver' "
                        "AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER')), "
                        "(SELECT setting FROM pg_catalog.pg_settings WHERE name = 'redline.token_max_ttl')";
    const char *values[] = {for_role.c_str()};
    PqResult res(PQexecParams(conn, query, 1, nullptr, values, nullptr, nullptr, 0));
    ServerFacts facts;
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK || PQntuples(res.get()) != 1)
        return facts;
    facts.for_role_exists = std::string_view(PQgetvalue(res.get(), 0, 0)) == "t";
    facts.approver = std::string_view(PQgetvalue(res.get(), 0, 1)) == "t";
    if (!PQgetisnull(res.get(), 0, 2)) {
        try {
            facts.max_ttl_seconds = std::stoll(PQgetvalue(res.get(), 0, 2));
        } catch (const std::exception &) {
        }
    }
    return facts;
}

} // namespace

int run_approve(const ApproveOptions &options, const CommandContext &context)
{
    const Palette &palette = context.palette;
    check_operation(options.operation);
    check_object(options.operation, options.object);
    if (options.for_role.empty())
        throw std::runtime_error("--for is empty: name the login role of the person who will run the statement, as "
                                 "the server's refusal prints it");
    long long ttl = parse_token_ttl(options.ttl);
    Profile profile = find_profile(options.profile);

    AuthMethod method = auth_method_for(profile, options.auth);
    require_presence_method(method, profile.pam_service);

    std::filesystem::path key_file = signing_key_file(profile);
    token::SecretKey key = read_signing_key(key_file);

    PqConnection conn = connect_profile(profile);
    ServerIdentity server = read_server_identity(conn.get(), profile, true);
    std::string expected = environment_name(profile.environment);
    if (server.environment != expected)
        throw CommandRefusal{
            exit_environment_differs,
            fmt::format("profile {} says {} but the server reports {}: no approval was signed; check the "
                        "profile's service or DSN (redline profile list)",
                        profile.name, expected, server.environment),
            true};
    check_second_person(options.for_role, server.session_user);
    ServerFacts facts = read_server_facts(conn.get(), options.for_role);
    conn.reset();
    if (facts.for_role_exists == false)
        throw std::runtime_error(fmt::format("there is no role \"{}\" on this server: --for names the login role of "
                                             "the person who will run the statement, exactly as the server's refusal "
                                             "prints it",
                                             options.for_role));
    if (facts.approver == false)
        throw std::runtime_error(fmt::format("role \"{}\" is not a member of redline_approver, so the server would "
                                             "refuse this approval: a redline_admin can GRANT redline_approver TO {}",
                                             server.session_user, server.session_user));
    if (facts.max_ttl_seconds && ttl > *facts.max_ttl_seconds)
        throw std::runtime_error(fmt::format("--ttl {} is longer than this server accepts (redline.token_max_ttl is "
                                             "{}): give --ttl {} or less",
                                             options.ttl, token::format_duration(*facts.max_ttl_seconds).value_or("?"),
                                             token::format_duration(*facts.max_ttl_seconds).value_or("?")));

    PresenceRequest presence;
    presence.method = method;
    presence.environment = server.environment;
    presence.pam_service = profile.pam_service;
    presence.pam_amr = profile.pam_amr;
    presence.purpose =
        fmt::format("an approval of {} on {} for {}", options.operation, options.object, options.for_role);
    std::vector<std::string> amr = prove_presence(presence, palette);

    ApprovalTokenRequest request;
    request.operation = options.operation;
    request.object = options.object;
    request.for_role = options.for_role;
    request.environment = server.environment;
    request.cluster_id = server.cluster_id;
    request.now = std::time(nullptr);
    request.ttl_seconds = ttl;
    request.amr = amr;
    std::string token = mint_approval_token(key, request);

    std::string set_line = fmt::format("SET redline.approval_token = '{}';", token);
    std::fputs(fmt::format("{}\n", options.sql ? set_line : token).c_str(), stdout);
    auto expires = token::format_rfc3339(request.now + ttl);
    std::fputs(fmt::format("redline: approval of {} on {} for role \"{}\" on {} ({}), valid {} until {}, once, signed "
                           "with {}\n",
                           options.operation, options.object, request.for_role,
                           fmt::styled(server.environment, palette.environment(profile.environment)), profile.name,
                           token::format_duration(ttl).value_or(options.ttl), expires ? *expires : "?",
                           key_file.filename().string())
                   .c_str(),
               stderr);
    if (!options.sql)
        std::fputs(fmt::format("redline: send it to {}, who presents it before running the statement:\n{}\n",
                               request.for_role, set_line)
                       .c_str(),
                   stderr);
    return 0;
}

CLI::App *define_approve(CLI::App &app, ApproveOptions &options)
{
    CLI::App *sub = app.add_subcommand(
        "approve", "Approve, as a second person, one protected operation on one object for another role");
    sub->add_option("PROFILE", options.profile, "Your own profile for the server (see redline profile list)")
        ->required();
    sub->add_option("--op", options.operation, "The operation, as the server's refusal names it: drop_table, ...")
        ->required()
        ->type_name("OP")
        ->check([](const std::string &value) {
            try {
                check_operation(value);
                return std::string();
            } catch (const std::runtime_error &e) {
                return std::string(e.what());
            }
        });
    sub->add_option("--object", options.object,
                    "The object, exactly as the server's refusal prints it: public.orders, public.orders.note, sales")
        ->required()
        ->type_name("OBJ");
    sub->add_option("--for", options.for_role, "The login role of the person who will run the statement")
        ->required()
        ->type_name("ROLE");
    add_ttl_option(*sub, options.ttl)->default_str("30m");
    sub->add_flag("--sql", options.sql, "Print SET redline.approval_token = '<token>'; instead of the bare token");
    add_auth_option(*sub, options.auth);
    sub->footer("Prints the approval token on stdout; the person it is for presents it with\n"
                "SET redline.approval_token = '<token>'; (several separated by commas) and runs the statement.\n"
                "It is accepted once, for that operation on that object, by that role, on this server.\n"
                "Exit status: 0 approval printed; 1 error (profile, key, connection, approving for yourself,\n"
                "a role that is not redline_approver); 2 the auth method cannot run here; 3 the server's\n"
                "environment is not the profile's; 4 the person check did not pass; 100 and above: a mistake\n"
                "on the command line.");
    return sub;
}

} // namespace redline::cli
