// Proves the C++ boundary from inside the server: redline.debug_fault makes a hook throw,
// and redline_boundary_selftest() (a C symbol tests bind to; not part of the SQL API)
// checks that an ereport inside a C++ region unwinds C++ frames and restores PG state.
#include "boundary.hpp"
#include "hooks.hpp"
#include "settings.hpp"

#include <stdexcept>

extern "C" {
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

PGDLLEXPORT Datum redline_boundary_selftest(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(redline_boundary_selftest);
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

void inject_fault()
{
    switch (static_cast<settings::Fault>(settings::debug_fault)) {
    case settings::Fault::cpp_exception:
        cpp_entry([] { throw std::runtime_error("fault injected by redline.debug_fault"); });
        break;
    case settings::Fault::pg_error:
        cpp_entry([] { divide_by_zero_in_region(); });
        break;
    case settings::Fault::none:
        break;
    }
}

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
