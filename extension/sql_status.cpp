// redline.status(): what redline enforces for this session, as clients and the CLI read it.
#include "environment.hpp"
#include "session_role.hpp"
#include "settings.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/xlog.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

PGDLLEXPORT Datum redline_status(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(redline_status);
}

Datum redline_status(PG_FUNCTION_ARGS)
{
    using namespace redline;
    TupleDesc tupdesc;
    if (get_call_result_type(fcinfo, nullptr, &tupdesc) != TYPEFUNC_COMPOSITE)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("redline.status() must return a record")));
    tupdesc = BlessTupleDesc(tupdesc);

    char cluster_id[32];
    snprintf(cluster_id, sizeof cluster_id, UINT64_FORMAT, GetSystemIdentifier());
    int expect = settings::expect_pending ? settings::expect_rows : -1;

    Datum values[10];
    bool nulls[10] = {false};
    values[0] = CStringGetTextDatum(REDLINE_VERSION);
    values[1] = CStringGetTextDatum(environment_name(settings::current_environment()));
    values[2] = CStringGetTextDatum(settings::color());
    values[3] = BoolGetDatum(settings::active());
    values[4] = CStringGetTextDatum(cluster_id);
    values[5] = CStringGetTextDatum(GetUserNameFromId(GetSessionUserId(), false));
    values[6] = BoolGetDatum(session_is_exempt());
    values[7] = BoolGetDatum(settings::require_where());
    values[8] = Int32GetDatum(settings::max_rows());
    values[9] = Int32GetDatum(expect);
    if (expect < 0)
        nulls[9] = true;

    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
