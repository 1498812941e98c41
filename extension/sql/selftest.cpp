// Proves the C++ boundary from inside the server, through C symbols that tests bind to (not
// part of the SQL API, and nowhere on a hook's path): redline_boundary_fault(kind) throws in
// a C++ region, and redline_boundary_selftest() checks that an ereport inside a C++ region
// unwinds C++ frames and restores PostgreSQL's state.
#include "boundary.hpp"

#include <stdexcept>

extern "C" {
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

PGDLLEXPORT Datum redline_boundary_selftest(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(redline_boundary_selftest);
PGDLLEXPORT Datum redline_boundary_fault(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(redline_boundary_fault);
}

namespace redline {

namespace {

int unwound = 0;

struct CountsUnwinding {
    CountsUnwinding() = default;
    CountsUnwinding(const CountsUnwinding &) = delete;
    CountsUnwinding &operator=(const CountsUnwinding &) = delete;
    ~CountsUnwinding() { ++unwound; }
};

void divide_by_zero_in_region()
{
    CountsUnwinding guard;
    pg_call([] { return DirectFunctionCall2(int4div, Int32GetDatum(1), Int32GetDatum(0)); });
}

} // namespace

} // namespace redline

// Returns one line per check, "ok: ..." or "FAILED: ...".
Datum redline_boundary_selftest(PG_FUNCTION_ARGS)
{
    using namespace redline;
    StringInfoData out;
    initStringInfo(&out);

    // An ereport inside a C++ region becomes a pg_error; destructors run; PostgreSQL's
    // error stack, error context and memory context are as they were.
    MemoryContext before_cxt = CurrentMemoryContext;
    sigjmp_buf *before_stack = PG_exception_stack;
    ErrorContextCallback *before_context = error_context_stack;
    int before_unwound = unwound;
    int code = cpp_entry([] {
        // Catching a pg_error without re-raising it is safe here only because the failing
        // call (int4div) acquired nothing; product code always lets it reach cpp_entry().
        try {
            divide_by_zero_in_region();
        } catch (const pg_error &e) {
            return e.sqlerrcode();
        }
        return 0;
    });
    appendStringInfo(&out, "%s: ereport in C++ region arrives as pg_error with its SQLSTATE\n",
                     code == ERRCODE_DIVISION_BY_ZERO ? "ok" : "FAILED");
    appendStringInfo(&out, "%s: destructors ran while unwinding\n", unwound == before_unwound + 1 ? "ok" : "FAILED");
    appendStringInfo(&out, "%s: exception stack, error context and memory context restored\n",
                     PG_exception_stack == before_stack && error_context_stack == before_context &&
                             CurrentMemoryContext == before_cxt
                         ? "ok"
                         : "FAILED");

    // A C++ exception leaving a region becomes an ERROR with SQLSTATE RL000.
    int raised = 0;
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    {
        cpp_entry([] { throw std::logic_error("selftest"); });
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        ErrorData *edata = CopyErrorData();
        FlushErrorState();
        raised = edata->sqlerrcode;
    }
    PG_END_TRY();
    appendStringInfo(&out, "%s: C++ exception raised as ERROR RL000\n",
                     raised == MAKE_SQLSTATE('R', 'L', '0', '0', '0') ? "ok" : "FAILED");

    PG_RETURN_TEXT_P(cstring_to_text(out.data));
}

// 'cpp_exception': a C++ exception leaves a region (RL000); 'pg_error': an ereport inside a
// region keeps its SQLSTATE (22012).
Datum redline_boundary_fault(PG_FUNCTION_ARGS)
{
    using namespace redline;
    char *kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
    if (strcmp(kind, "cpp_exception") == 0)
        cpp_entry([] { throw std::runtime_error("fault injected by redline_boundary_fault"); });
    else if (strcmp(kind, "pg_error") == 0)
        cpp_entry([] { divide_by_zero_in_region(); });
    PG_RETURN_VOID();
}
