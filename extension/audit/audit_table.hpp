// redline.audit_log as a table: where it is in this database, and appending a row to it in
// the current transaction. Rows are chained per lane: a lane is one process's sequence of
// rows (a session, or an audit writer), so concurrent sessions never wait for each other to
// chain a row. A lane's head moves on only when the transaction that wrote the row
// commits; a rollback (or ROLLBACK TO SAVEPOINT) takes the head back with the rows.
#pragma once

#include "audit_entry.hpp"

extern "C" {
#include "postgres.h"
#include "access/xact.h"
}

namespace redline::audit_table {

// Relcache/syscache callbacks that keep the cached oid right (from _PG_init).
void install();

// redline.audit_log's oid in this database, InvalidOid without the extension. Cached;
// needs a transaction the first time after an invalidation.
Oid oid();

// Appends the entry in the current (sub)transaction. Returns its id.
int64 append(const AuditEntry *entry);

// The events lane's last committed row (what a seal anchors); false when this process has
// committed none.
bool head(int64 *lane, int64 *seq, int64 *id, unsigned char hash[audit_digest_size]);

// Transaction ends, from the audit log's xact callbacks.
void at_commit();
void at_abort();
void at_subabort(SubTransactionId sub);
void at_subcommit(SubTransactionId sub, SubTransactionId parent);
void at_prepare(); // the lane ends: a prepared transaction finishes elsewhere

} // namespace redline::audit_table
