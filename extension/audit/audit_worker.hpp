// The audit launcher and writers: background workers that turn queued audit events into
// rows. The launcher (one per cluster, not connected to a database) starts a writer for
// each database that has events waiting, and records policy changes made by a server start
// or a configuration reload. A writer connects to its database, appends the events in
// batches, commits them with synchronous_commit on, and only then lets the sessions that
// wait for them go on. Events for a database without the audit table go on to
// redline.audit_database; when that has none either, to the server log.
#pragma once

namespace redline::audit_worker {

// Registers the launcher (from _PG_init).
void register_launcher();

} // namespace redline::audit_worker
