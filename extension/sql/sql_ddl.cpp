// redline.explain_ddl(sql): how redline classifies each statement of a DDL script, without
// running any of it.
#include "ddl_classify.hpp"
#include "refusal.hpp"
#include "settings.hpp"

extern "C" {
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PGDLLEXPORT Datum redline_explain_ddl(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(redline_explain_ddl);
}

namespace {
// A palloc'd copy of the size text.
char *pretty(int64 bytes)
{
    char *text = nullptr;
    redline::cpp_pretty_size(bytes, &text);
    char *copy = pstrdup(text != nullptr ? text : "?");
    free(text);
    return copy;
}
} // namespace

Datum redline_explain_ddl(PG_FUNCTION_ARGS)
{
    using namespace redline;
    InitMaterializedSRF(fcinfo, 0);
    auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    char *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
    List *statements = raw_parser(sql, RAW_PARSE_DEFAULT);
    ListCell *lc;
    foreach (lc, statements) {
        Node *stmt = lfirst_node(RawStmt, lc)->stmt;
        Datum values[10];
        bool nulls[10] = {false};
        values[0] = CStringGetTextDatum(GetCommandTagName(CreateCommandTag(stmt)));
        ddl_classify::Verdict v{};
        if (IsA(stmt, AlterTableStmt) || IsA(stmt, IndexStmt))
            v = ddl_classify::classify(stmt);
        if (!v.applies) {
            for (int i = 1; i < 10; i++)
                nulls[i] = true;
            tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
            continue;
        }
        char *schema = get_namespace_name(get_rel_namespace(v.relid));
        values[1] = CStringGetTextDatum(quote_qualified_identifier(schema, get_rel_name(v.relid)));
        values[2] = CStringGetTextDatum(ddl_classify::lock_name(v.lock));
        values[3] = BoolGetDatum((v.work & ddl_classify::work_rewrite) != 0);
        values[4] = BoolGetDatum((v.work & ddl_classify::work_scan) != 0 || (v.work & ddl_classify::work_rewrite) != 0);
        values[5] = Int64GetDatum(v.size_bytes);
        values[6] = CStringGetTextDatum(pretty(v.size_bytes));
        values[7] = Float8GetDatum(v.est_seconds);
        values[8] = BoolGetDatum(v.large);
        if (v.work != ddl_classify::work_none)
            values[9] = CStringGetTextDatum(safe_ddl_pattern(static_cast<int>(v.cause)));
        else
            nulls[9] = true;
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return static_cast<Datum>(0);
}
