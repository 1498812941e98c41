// Converts what a C++ region caught into a PostgreSQL ERROR, once no C++ object is alive.
// Kept out of line so the longjmp starts in a frame without destructors.
#include "boundary.hpp"
#include "sqlstate.hpp"

namespace redline::detail {

void raise_caught(ErrorData *pg, bool out_of_memory, const char *what)
{
    if (pg != nullptr)
        ReThrowError(pg);
    if (out_of_memory)
        ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory in redline")));
    ereport(ERROR, (errcode(pg_sqlstate(sqlstate::internal)), errmsg("redline internal error: %s", what),
                    errhint("The statement was not run. Report this with the server log to the redline maintainers.")));
    pg_unreachable();
}

} // namespace redline::detail
