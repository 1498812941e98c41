// Collecting a client statement's writes and DDL into one audit row (audit_statement.hpp).
#include "audit_statement.hpp"
#include "audit_log.hpp"
#include "audit_table.hpp"
#include "redact.hpp"
#include "settings.hpp"
#include "statement_depth.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/copy.h"
#include "nodes/parsenodes.h"
#include "parser/parsetree.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/ruleutils.h"
}

namespace redline::audit_statement {

namespace {

constexpr int max_objects = 32;

struct Collected {
    bool active;  // a client statement is under way
    bool any;     // something to record
    bool ddl;     // ...and it included DDL
    bool writing; // a write started: if the statement fails, the attempt is recorded
    SubTransactionId begun_in;
    bool has_rows;
    int64 rows;
    int nobjects;
    const char *objects[max_objects];
    // The client statement: its text and where it sits in the string sent.
    const char *source;
    int location;
    int length;
    ParamListInfo params;
};
Collected top{};

// The statement last analysed at depth 0: what a refusal before execution names.
const char *analyzed_source = nullptr;
int analyzed_location = 0;
int analyzed_length = 0;

MemoryContext collect_cxt()
{
    static MemoryContext cxt = nullptr;
    if (cxt == nullptr)
        cxt = AllocSetContextCreate(TopMemoryContext, "redline audit statement", ALLOCSET_SMALL_SIZES);
    return cxt;
}

void clear()
{
    if (top.nobjects > 0 || top.any)
        MemoryContextReset(collect_cxt());
    top.active = top.any = top.ddl = top.has_rows = top.writing = false;
    top.rows = 0;
    top.nobjects = 0;
    top.source = nullptr;
    top.params = nullptr;
}

void begin(const char *source, int location, int length, ParamListInfo params)
{
    clear();
    top.active = true;
    top.begun_in = GetCurrentSubTransactionId();
    top.source = source;
    top.location = location;
    top.length = length;
    top.params = params;
}

void add_object(const char *name)
{
    for (int i = 0; i < top.nobjects; i++)
        if (strcmp(top.objects[i], name) == 0)
            return;
    if (top.nobjects < max_objects)
        top.objects[top.nobjects++] = MemoryContextStrdup(collect_cxt(), name);
}

void add_relation(Oid relid)
{
    char *nsp = get_namespace_name(get_rel_namespace(relid));
    char *rel = get_rel_name(relid);
    if (rel == nullptr)
        return;
    add_object(quote_qualified_identifier(nsp, rel));
}

void add_range_var(const RangeVar *rv)
{
    if (rv == nullptr)
        return;
    Oid relid = RangeVarGetRelid(rv, NoLock, true);
    if (OidIsValid(relid))
        add_relation(relid);
    else
        add_object(rv->schemaname != nullptr ? quote_qualified_identifier(rv->schemaname, rv->relname)
                                             : quote_identifier(rv->relname));
}

// The client's string cut to one statement, tokens masked.
char *cut(const char *source, int location, int length)
{
    if (source == nullptr)
        return nullptr;
    int len = static_cast<int>(strlen(source));
    int start = location > 0 && location <= len ? location : 0;
    int n = length > 0 && start + length <= len ? length : len - start;
    while (n > 0 && (source[start] == ' ' || source[start] == '\n' || source[start] == '\t')) {
        start++;
        n--;
    }
    char *text = pnstrdup(source + start, n);
    mask_tokens(text);
    // Most statements name no password: one library scan spares them the keyword search.
    if (strcasestr(text, "password") != nullptr)
        mask_passwords(text);
    return text;
}

// The statement's own text, with its parameters when redline.audit_parameters is on.
char *statement_text()
{
    char *text = cut(top.source, top.location, top.length);
    if (text == nullptr)
        return nullptr;
    if (!settings::audit_parameters || top.params == nullptr || top.params->numParams == 0 ||
        top.params->paramFetch != nullptr)
        return text;
    StringInfoData out;
    initStringInfo(&out);
    appendStringInfoString(&out, text);
    appendStringInfoString(&out, "\n-- parameters:");
    for (int i = 0; i < top.params->numParams; i++) {
        ParamExternData *p = &top.params->params[i];
        appendStringInfo(&out, "%s $%d = ", i == 0 ? "" : ",", i + 1);
        if (p->isnull || !OidIsValid(p->ptype)) {
            appendStringInfoString(&out, "NULL");
            continue;
        }
        Oid output;
        bool varlena;
        getTypeOutputInfo(p->ptype, &output, &varlena);
        char *value = OidOutputFunctionCall(output, p->value);
        mask_tokens(value);
        appendStringInfoString(&out, quote_literal_cstr(value));
    }
    return out.data;
}

void record()
{
    if (!top.any)
        return;
    AuditEvent event = top.ddl ? ev_ddl : ev_write;
    AuditEntry e;
    audit::fill_session(&e, event, AuditDecision::allowed);
    e.text[af_statement] = statement_text();
    e.nobjects = top.nobjects > 0 ? top.nobjects : -1;
    e.objects = top.objects;
    e.has_rows = top.has_rows;
    e.rows = top.rows;
    audit::record_in_transaction(&e);
    clear();
}

bool writes_permanent_table(QueryDesc *qd)
{
    ListCell *lc;
    foreach (lc, qd->plannedstmt->resultRelations) {
        RangeTblEntry *rte = rt_fetch(lfirst_int(lc), qd->plannedstmt->rtable);
        if (rte->rtekind == RTE_RELATION && get_rel_persistence(rte->relid) != RELPERSISTENCE_TEMP)
            return true;
    }
    return false;
}

bool temporary(const RangeVar *rv)
{
    if (rv == nullptr)
        return false;
    if (rv->relpersistence == RELPERSISTENCE_TEMP ||
        (rv->schemaname != nullptr && strncmp(rv->schemaname, "pg_temp", 7) == 0))
        return true;
    Oid relid = RangeVarGetRelid(rv, NoLock, true);
    return OidIsValid(relid) && get_rel_persistence(relid) == RELPERSISTENCE_TEMP;
}

// DDL on a temporary object changes nothing anyone else sees: not recorded.
bool on_temporary_object(Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_CreateStmt:
        return temporary(castNode(CreateStmt, stmt)->relation);
    case T_CreateTableAsStmt:
        return temporary(castNode(CreateTableAsStmt, stmt)->into->rel);
    case T_ViewStmt:
        return temporary(castNode(ViewStmt, stmt)->view);
    case T_CreateSeqStmt:
        return temporary(castNode(CreateSeqStmt, stmt)->sequence);
    case T_AlterTableStmt:
        return temporary(castNode(AlterTableStmt, stmt)->relation);
    case T_IndexStmt:
        return temporary(castNode(IndexStmt, stmt)->relation);
    default:
        return false;
    }
}

void ddl_objects(Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_AlterTableStmt:
        add_range_var(castNode(AlterTableStmt, stmt)->relation);
        break;
    case T_IndexStmt:
        add_range_var(castNode(IndexStmt, stmt)->relation);
        break;
    case T_CreateStmt:
        add_range_var(castNode(CreateStmt, stmt)->relation);
        break;
    case T_TruncateStmt: {
        ListCell *lc;
        foreach (lc, castNode(TruncateStmt, stmt)->relations)
            add_range_var(lfirst_node(RangeVar, lc));
        break;
    }
    case T_RenameStmt:
        add_range_var(castNode(RenameStmt, stmt)->relation);
        break;
    case T_DropStmt: {
        auto *drop = castNode(DropStmt, stmt);
        ListCell *lc;
        foreach (lc, drop->objects) {
            Node *object = static_cast<Node *>(lfirst(lc));
            if (IsA(object, List))
                add_object(NameListToQuotedString(castNode(List, object)));
            else if (IsA(object, String))
                add_object(quote_identifier(strVal(object)));
        }
        break;
    }
    default:
        break;
    }
}

} // namespace

void analyzed(const char *source, int location, int length)
{
    analyzed_source = source;
    analyzed_location = location;
    analyzed_length = length;
}

char *current_text()
{
    // Only while it is still the statement being run: the string belongs to it.
    if (analyzed_source != nullptr && analyzed_source == debug_query_string)
        return cut(analyzed_source, analyzed_location, analyzed_length);
    if (top.active && top.source == debug_query_string)
        return cut(top.source, top.location, top.length);
    return debug_query_string != nullptr ? cut(debug_query_string, 0, 0) : nullptr;
}

void executor_started(QueryDesc *qd)
{
    if (statement_depth == 0)
        begin(qd->sourceText, qd->plannedstmt->stmt_location, qd->plannedstmt->stmt_len, qd->params);
    // The tables are named when the write starts, so that a write that fails half-way is
    // still recorded as an attempt.
    if ((qd->operation != CMD_SELECT || qd->plannedstmt->hasModifyingCTE) && top.active && audit::records(ev_write) &&
        writes_permanent_table(qd)) {
        top.writing = true;
        ListCell *lc;
        foreach (lc, qd->plannedstmt->resultRelations) {
            RangeTblEntry *rte = rt_fetch(lfirst_int(lc), qd->plannedstmt->rtable);
            if (get_rel_persistence(rte->relid) != RELPERSISTENCE_TEMP)
                add_relation(rte->relid);
        }
    }
}

void executor_finished(QueryDesc *qd)
{
    if ((qd->operation != CMD_SELECT || qd->plannedstmt->hasModifyingCTE) && top.active && top.writing &&
        audit::records(ev_write) && writes_permanent_table(qd)) {
        top.any = true;
        top.has_rows = true;
        top.rows += static_cast<int64>(qd->estate->es_processed);
    }
    if (statement_depth == 0)
        record();
}

// The table a COPY FROM writes, when it is permanent; InvalidOid otherwise.
Oid copy_target(Node *stmt)
{
    if (!IsA(stmt, CopyStmt) || !castNode(CopyStmt, stmt)->is_from || castNode(CopyStmt, stmt)->relation == nullptr)
        return InvalidOid;
    Oid relid = RangeVarGetRelid(castNode(CopyStmt, stmt)->relation, NoLock, true);
    return OidIsValid(relid) && get_rel_persistence(relid) != RELPERSISTENCE_TEMP ? relid : InvalidOid;
}

void utility_started(PlannedStmt *pstmt, const char *query_string)
{
    if (statement_depth == 0)
        begin(query_string, pstmt->stmt_location, pstmt->stmt_len, nullptr);
    if (top.active && IsA(pstmt->utilityStmt, CopyStmt) && audit::records(ev_write)) {
        Oid relid = copy_target(pstmt->utilityStmt);
        if (OidIsValid(relid)) {
            top.writing = true;
            add_relation(relid);
        }
    }
}

void utility_finished(PlannedStmt *pstmt, QueryCompletion *qc)
{
    Node *stmt = pstmt->utilityStmt;
    if (top.active) {
        LogStmtLevel level = GetCommandLogLevel(stmt);
        bool truncate = IsA(stmt, TruncateStmt);
        if ((level == LOGSTMT_DDL || truncate) && audit::records(ev_ddl) && !on_temporary_object(stmt)) {
            top.any = true;
            top.ddl = true;
            ddl_objects(stmt);
        } else if (top.writing && OidIsValid(copy_target(stmt)) && audit::records(ev_write)) {
            top.any = true;
            top.has_rows = true;
            top.rows += qc != nullptr ? static_cast<int64>(qc->nprocessed) : 0;
        }
    }
    if (statement_depth == 0)
        record();
}

void refused() { top.writing = false; }

void at_abort(SubTransactionId sub)
{
    // Only a statement that ran entirely inside what is rolled back has failed; one that
    // caught the error of an inner block goes on.
    if (!top.active || !top.writing || (sub != InvalidSubTransactionId && top.begun_in < sub))
        return;
    AuditEntry e;
    audit::fill_session(&e, ev_write, AuditDecision::rolled_back);
    top.params = nullptr; // no catalog lookups in an aborted transaction
    e.text[af_statement] = statement_text();
    e.text[af_reason] = "the statement failed before it completed; nothing it wrote was kept";
    e.nobjects = top.nobjects > 0 ? top.nobjects : -1;
    e.objects = top.objects;
    audit::record_outliving(&e, true);
    clear();
}

} // namespace redline::audit_statement
