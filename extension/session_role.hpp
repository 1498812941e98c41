// Who the session is for redline's purposes: the login role (session_user), never the
// current role, so SET ROLE and SECURITY DEFINER functions change nothing.
#pragma once

namespace redline {

// Whether session_user is listed in redline.exempt_roles. Cached per session user and
// per value of the setting; needs a transaction the first time.
bool session_is_exempt();

// Called when redline.exempt_roles changes.
void forget_exemption();

} // namespace redline
