// Temporary tables are a session's scratch space: private to it and gone when it ends,
// so emptying or bulk-filling one endangers nothing and no guard stands in the way.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace redline {

// A temporary table (not a temporary view: a view's writes land in the tables below it).
bool is_scratch_table(Oid relid);

} // namespace redline
