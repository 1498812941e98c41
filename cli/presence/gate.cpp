// The person check's dispatch and its two small backends, typed and none (pam and touchid
// have files of their own). The terminal itself (/dev/tty) is where a person is asked, never
// stdin: the token is often captured by a shell, and a script piping the answer in is
// exactly what the check is there to stop.
#include "presence/gate.hpp"
#include "presence/methods.hpp"
#include "presence/pam.hpp"
#include "presence/touchid.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace redline::cli {

namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE *)>;

std::vector<std::string> by_key_only(const PresenceRequest &request, const Palette &palette)
{
    if (request.environment == environment_name(Environment::production))
        std::fputs(fmt::format(palette.warning, "redline: warning: auth none: this production token proves only that "
                                                "this machine holds the key; use --auth typed or a profile with a "
                                                "stronger method\n")
                       .c_str(),
                   stderr);
    return *amr_for(AuthMethod::none);
}

std::vector<std::string> by_typing(const PresenceRequest &request, const Palette &palette)
{
    File tty(std::fopen("/dev/tty", "r+"), &std::fclose);
    if (!tty)
        throw PresenceRefused(exit_not_confirmed, "--auth typed needs a terminal to type the environment's name on "
                                                  "(/dev/tty): nothing was signed; run redline from a terminal");
    auto env = parse_environment(request.environment);
    fmt::text_style style = env ? palette.environment(*env) : fmt::text_style{};
    if (!confirm_by_typing(request.environment, tty.get(), tty.get(), style))
        throw PresenceRefused(exit_not_confirmed,
                              fmt::format("what was typed is not \"{}\": nothing was signed; run it again and type "
                                          "the environment's name exactly",
                                          request.environment));
    return *amr_for(AuthMethod::typed);
}

} // namespace

void require_presence_method(AuthMethod method, const std::string &pam_service)
{
    if (method == AuthMethod::touchid) {
#if defined(__APPLE__)
        return;
#else
        throw PresenceRefused(
            exit_method_unavailable,
            "Touch ID is only available on macOS; use --auth pam (fingerprint, security key) or typed");
#endif
    }
    if (method == AuthMethod::pam && !pam_service.empty())
        require_pam_service(pam_service);
}

std::vector<std::string> prove_presence(const PresenceRequest &request, const Palette &palette)
{
    require_presence_method(request.method);
    switch (request.method) {
    case AuthMethod::none:
        return by_key_only(request, palette);
    case AuthMethod::typed:
        return by_typing(request, palette);
    case AuthMethod::pam:
        return prove_by_pam(request, palette);
    case AuthMethod::touchid:
#if defined(__APPLE__)
        return prove_by_touchid(request, palette);
#else
        break;
#endif
    }
    throw PresenceRefused(exit_method_unavailable,
                          fmt::format("authentication method {} is not available on this system; use --auth typed",
                                      auth_method_name(request.method)));
}

} // namespace redline::cli
