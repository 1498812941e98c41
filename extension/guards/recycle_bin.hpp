// The recycle bin (redline.recycle_bin): an approved DROP TABLE moves the table — data,
// indexes, constraints, its sequences — into schema redline_recycle instead of destroying
// it, and an approved ALTER TABLE ... DROP COLUMN first keeps the column's values with the
// table's primary key there. redline.restore() puts a table back.
#pragma once

extern "C" {
#include "postgres.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "tcop/cmdtag.h"
}

namespace redline::recycle_bin {

// Moves the tables of a DROP TABLE into the bin when it can (plain permanent tables the user
// owns, no CASCADE, nothing else depending on them, the extension installed here). Returns
// false to let the DROP run as usual.
bool drop_tables(DropStmt *stmt, const char *tag);

// Once drop_tables() moved them: the same DROP TABLE statement with nothing left to drop, to
// hand on to the hooks below redline's and to PostgreSQL, so that they see the statement
// the person ran (its text, query id and command tag) without destroying anything.
PlannedStmt *left_to_drop(const PlannedStmt *pstmt);

// Before an ALTER TABLE: keeps a copy of every column it drops.
void keep_dropped_columns(AlterTableStmt *stmt);

// Once a statement was approved and ran: tells what the bin kept. Forgotten when a
// statement starts, so a refused one reports nothing.
void report_kept();
void forget_kept();

} // namespace redline::recycle_bin
