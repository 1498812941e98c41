// The pam backend of the person check: the profile's PAM service (pam_fprintd for a finger,
// pam_u2f for a security key, howdy for a face) asked on the terminal, every time.
#pragma once

#include "presence/gate.hpp"
#include "terminal/palette.hpp"

#include <string>
#include <vector>

namespace redline::cli {

// Throws PresenceRefused(exit_method_unavailable) when `service` has no configuration where
// libpam looks for it, or one that cannot be read: libpam would otherwise fall back to its
// "other" service and ask for something nobody configured for redline.
void require_pam_service(const std::string &service);

// pam_authenticate and pam_acct_mgmt on request.pam_service for the user running redline.
// Returns request.pam_amr when set, else what the service's auth stack proves (see
// amr_for_pam_stack). Throws PresenceRefused(exit_not_confirmed) naming the service and
// PAM's reason when the person is not confirmed.
std::vector<std::string> prove_by_pam(const PresenceRequest &request, const Palette &palette);

} // namespace redline::cli
