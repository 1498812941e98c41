// redline.status(): what redline enforces for this session, as clients and the CLI read it.
#include "environment.hpp"
#include "session_lock.hpp"
#include "session_role.hpp"
#include "settings.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/xlog.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

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

    Datum values[16];
    bool nulls[16] = {false};
    values[0] = CStringGetTextDatum(REDLINE_VERSION);
    values[1] = CStringGetTextDatum(environment_name(settings::current_environment()));
    values[2] = CStringGetTextDatum(settings::color());
    values[3] = BoolGetDatum(settings::active());
    values[4] = CStringGetTextDatum(cluster_id);
    values[5] = CStringGetTextDatum(login_role_name());
    values[6] = BoolGetDatum(session_is_exempt());
    values[7] = BoolGetDatum(settings::require_where());
    values[8] = Int32GetDatum(settings::max_rows());
    values[9] = Int32GetDatum(expect);
    if (expect < 0)
        nulls[9] = true;

    // The write lock: what the server requires, whether this session is locked now, and
    // what unlocked it (never the token).
    bool subject = session_lock::subject();
    int64 until = session_lock::unlocked_until();
    values[10] = CStringGetTextDatum(token_requirement_name(settings::require_token()));
    values[11] = BoolGetDatum(session_lock::locked());
    values[12] = TimestampTzGetDatum(time_t_to_timestamptz(static_cast<pg_time_t>(until)));
    nulls[12] = !subject || until == 0;
    values[13] = CStringGetTextDatum(session_lock::unlock_key_id());
    nulls[13] = !subject || until == 0;
    values[14] = CStringGetTextDatum(session_lock::unlock_methods());
    nulls[14] = !subject || until == 0;
    values[15] = CStringGetTextDatum(settings::strong_auth_methods != nullptr ? settings::strong_auth_methods : "");

    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
