// See scratch_tables.hpp: the one place that decides what counts as scratch.
#include "scratch_tables.hpp"

extern "C" {
#include "catalog/pg_class.h"
#include "utils/lsyscache.h"
}

namespace redline {

bool is_scratch_table(Oid relid)
{
    if (!OidIsValid(relid) || get_rel_persistence(relid) != RELPERSISTENCE_TEMP)
        return false;
    char kind = get_rel_relkind(relid);
    return kind == RELKIND_RELATION || kind == RELKIND_PARTITIONED_TABLE;
}

} // namespace redline
