// The person check that runs before every token is signed, never cached: one interface,
// one backend per method (pam, touchid on macOS, typed, none). It returns what the token
// records of it (amr), or refuses with the exit code the CLI documents.
#pragma once

#include "app/command_refusal.hpp"
#include "app/exit_codes.hpp"
#include "profiles/profile.hpp"
#include "terminal/palette.hpp"

#include <string>
#include <vector>

namespace redline::cli {

struct PresenceRequest {
    AuthMethod method = AuthMethod::typed;
    std::string environment; // as the server reports it: what the person confirms
    std::string pam_service; // the PAM service for AuthMethod::pam ("redline")
    std::string purpose;     // what is about to be signed, for prompts: "a session token for prod"
    // The profile's own record of what its PAM service proves; empty: read from the service's file.
    std::vector<std::string> pam_amr;
};

// A person check that did not pass (exit_not_confirmed), or a method this build cannot run
// (exit_method_unavailable): a refusal like any other command's, reported by run_guarded.
class PresenceRefused : public CommandRefusal {
public:
    PresenceRefused(int exit_code, const std::string &message) : CommandRefusal(exit_code, message) {}
};

// Throws PresenceRefused(exit_method_unavailable) when this build cannot run `method`, so a
// command can refuse before it connects anywhere. Given a PAM service, it also refuses one
// that is not configured on this machine (for AuthMethod::pam).
void require_presence_method(AuthMethod method, const std::string &pam_service = {});

// Runs the check for request.method and returns the RFC 8176 methods to record. Throws
// PresenceRefused (exit_not_confirmed, exit_method_unavailable) with one line that says
// what to do next; a warning for a weak method on production goes to stderr.
std::vector<std::string> prove_presence(const PresenceRequest &request, const Palette &palette);

} // namespace redline::cli
