// Who the session is for redline's purposes: the role that logged in (authenticated), never
// the current role, so SET ROLE, SET SESSION AUTHORIZATION and SECURITY DEFINER functions
// change nothing.
#pragma once

namespace redline {

// Whether session_user is listed in redline.exempt_roles, and the connection was not
// opened by a process of this cluster for a session that is not exempt (session_origin).
// Cached per session user and per value of the setting; needs a transaction the first time.
bool session_is_exempt();

// Why a login role listed in redline.exempt_roles is not exempt in this session, as a
// clause ("this session was opened by backend PID 4242 of this server for a session of role \"alice\"");
// nullptr when it is exempt or not listed. Needs a transaction.
const char *exemption_withheld();

// Whether a role name is listed in redline.exempt_roles (no catalog access: usable
// before a session has one).
bool name_is_exempt(const char *name);

// The login role's name, cached for the session; needs a transaction the first time.
const char *login_role_name();

// Called when redline.exempt_roles changes.

} // namespace redline
