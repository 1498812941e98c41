// The order matters: what can fail without the network (profile, method, key) fails first;
// the server is asked once; the person is asked last, once what they confirm is known.
#include "commands/token.hpp"
#include "app/command_refusal.hpp"
#include "presence/gate.hpp"
#include "profiles/profile.hpp"
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
#include <stdexcept>

namespace redline::cli {

int run_token(const TokenOptions &options, const CommandContext &context)
{
    const Palette &palette = context.palette;
    long long ttl = parse_token_ttl(options.ttl);
    Profile profile = find_profile(options.profile);

    AuthMethod method = auth_method_for(profile, options.auth);
    require_presence_method(method, profile.pam_service);

    std::filesystem::path key_file = signing_key_file(profile);
    token::SecretKey key = read_signing_key(key_file);

    ServerIdentity server = read_server_identity(profile, options.role.empty());
    std::string expected = environment_name(profile.environment);
    if (server.environment != expected)
        throw CommandRefusal{exit_environment_differs,
                             fmt::format("profile {} says {} but the server reports {}: no token was signed; check the "
                                         "profile's service or DSN (redline profile list)",
                                         profile.name, expected, server.environment),
                             true};

    PresenceRequest presence;
    presence.method = method;
    presence.environment = server.environment;
    presence.pam_service = profile.pam_service;
    presence.pam_amr = profile.pam_amr;
    presence.purpose = fmt::format("a session token for {}", profile.name);
    std::vector<std::string> amr = prove_presence(presence, palette);

    SessionTokenRequest request;
    request.role = options.role.empty() ? server.session_user : options.role;
    request.environment = server.environment;
    request.cluster_id = server.cluster_id;
    request.now = std::time(nullptr);
    request.ttl_seconds = ttl;
    request.amr = amr;
    std::string token = mint_session_token(key, request);

    if (options.sql)
        std::fputs(fmt::format("SELECT redline.unlock('{}');\n", token).c_str(), stdout);
    else
        std::fputs(fmt::format("{}\n", token).c_str(), stdout);
    auto expires = token::format_rfc3339(request.now + ttl);
    std::fputs(fmt::format("redline: token for role \"{}\" on {} ({}), valid {} until {}, signed with {}\n",
                           request.role, fmt::styled(server.environment, palette.environment(profile.environment)),
                           profile.name, token::format_duration(ttl).value_or(options.ttl), expires ? *expires : "?",
                           key_file.filename().string())
                   .c_str(),
               stderr);
    return 0;
}

CLI::App *define_token(CLI::App &app, TokenOptions &options)
{
    CLI::App *sub = app.add_subcommand(
        "token", "Sign a short-lived session token that unlocks writing for your role on the profile's server");
    sub->add_option("PROFILE", options.profile, "The profile to connect with (see redline profile list)")->required();
    add_ttl_option(*sub, options.ttl);
    sub->add_flag("--sql", options.sql, "Print SELECT redline.unlock('<token>'); instead of the bare token");
    add_auth_option(*sub, options.auth);
    sub->add_option("--role", options.role, "The role the token is for (default: the role the profile logs in as)")
        ->type_name("ROLE");
    sub->footer("Prints the token on stdout; present it with SELECT redline.unlock('<token>'); or\n"
                "PGOPTIONS='-c redline.session_token=<token>'.\n"
                "Exit status: 0 token printed; 1 error (profile, key, connection, server without redline);\n"
                "2 the auth method cannot run here (Touch ID off macOS, a PAM service with no file in\n"
                "/etc/pam.d); 3 the server's environment is not the profile's; 4 the person check did not\n"
                "pass (PAM refused, Touch ID cancelled, the wrong word typed); 100 and above: a mistake on\n"
                "the command line.");
    return sub;
}

} // namespace redline::cli
