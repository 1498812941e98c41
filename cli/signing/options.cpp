// Defines --ttl and --auth for the commands that sign, and picks the method they use.
#include "signing/options.hpp"
#include "signing/mint_token.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <stdexcept>

namespace redline::cli {

CLI::Option *add_ttl_option(CLI::App &command, std::string &ttl)
{
    return command.add_option("--ttl", ttl, "How long the token lasts: 90s, 15m, 1h, 2h30m... (10s to 24h)")
        ->type_name("DURATION")
        ->default_str("15m")
        ->check([](const std::string &value) {
            try {
                parse_token_ttl(value);
                return std::string();
            } catch (const std::runtime_error &e) {
                return std::string(e.what());
            }
        });
}

CLI::Option *add_auth_option(CLI::App &command, std::string &auth)
{
    return command
        .add_option("--auth", auth,
                    "How you confirm presence, instead of the profile's method: pam (the profile's PAM service: "
                    "fingerprint, security key...), touchid (macOS), typed (type the environment's name) or none "
                    "(only the key; not for production)")
        ->type_name("METHOD")
        ->check(CLI::IsMember({"pam", "touchid", "typed", "none"}));
}

AuthMethod auth_method_for(const Profile &profile, const std::string &chosen)
{
    if (chosen.empty())
        return profile.auth;
    auto method = parse_auth_method(chosen);
    if (!method)
        throw std::runtime_error(fmt::format("unknown auth method \"{}\": use pam, touchid, typed or none", chosen));
    return *method;
}

} // namespace redline::cli
