// Rule 4's semantic half: whether a statement changed every row of a table. No syntax check
// catches every condition that holds for every row (name LIKE '%' on a NOT NULL column,
// id = id + 0, a join of the table with itself); the table itself can tell.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace redline::every_row {

// A table a statement updated or deleted rows of, as the statement named it.
struct Target {
    Target *next;
    Oid relid;
    bool inherited; // the statement reached its partitions or children too
};

// The rows of `target` (of each of its leaves when inherited) that existed when command
// `start_cid` of this transaction began, if this statement updated or deleted every one of
// them; 0 when it left at least one alone, or cannot tell (a foreign partition, another
// table access method). Stops at the first row left alone, so it reads at most
// `changed` + 1 rows that existed, `changed` being how many rows the statement changed.
uint64 rows_if_every_row_changed(const Target *target, CommandId start_cid, uint64 changed);

} // namespace redline::every_row
