// Where a session's connection comes from when that is this server itself: a process of
// this cluster (a backend or background worker, through dblink, postgres_fdw or an untrusted
// language), or a program one of them started (COPY ... PROGRAM 'psql'), connecting back.
// Such a session is never more exempt than the session that opened it (session_role.cpp).
// Recognised on Linux, over Unix sockets (the peer's pid) and TCP from an address of this
// host (the socket tables and the sockets each process holds); elsewhere nothing is.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace redline::session_origin {

// The authentication hook and the shared table of who opened whom (from _PG_init).
void install();

// Looks at this session's connection, once: later calls cost one comparison. No catalog
// access and no error: what cannot be read counts as a connection from elsewhere.
void examine();

// After examine(): whether a process of this cluster opened this connection.
bool from_this_server();

// The login role of the session on whose behalf it was opened: the first session of a
// chain of such connections (a connection opened by one opened by alice is alice's).
// InvalidOid for a worker that runs as no role.
Oid on_behalf_of();

// "backend PID 4242" or "process PID 4250, started by backend PID 4242"; nullptr when the
// connection does not come from this server.
const char *describe();

} // namespace redline::session_origin
