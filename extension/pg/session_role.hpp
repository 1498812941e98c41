// Who the session is for redline's purposes: the role that logged in (authenticated), never
// the current role, so SET ROLE, SET SESSION AUTHORIZATION and SECURITY DEFINER functions
// change nothing.
#pragma once

namespace redline {

// Whether session_user is listed in redline.exempt_roles. Cached per session user and
// per value of the setting; needs a transaction the first time.
bool session_is_exempt();

// Whether a role name is listed in redline.exempt_roles (no catalog access: usable
// before a session has one).
bool name_is_exempt(const char *name);

// The login role's name, cached for the session; needs a transaction the first time.
const char *login_role_name();

// Called when redline.exempt_roles changes.

} // namespace redline
