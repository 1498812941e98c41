// The write lock's verdicts. Allowed while locked: reading, temporary objects (tables,
// views, sequences, and writing to them), session settings, transaction control,
// PREPARE/EXECUTE/DEALLOCATE, cursors, LISTEN/NOTIFY, plain EXPLAIN, DO and CALL (each
// statement inside is checked), LOCK in ACCESS SHARE mode, COPY TO the client, and
// redline's own CREATE/ALTER EXTENSION. Everything else is refused before it starts.
#include "guard_lock.hpp"
#include "boundary.hpp"
#include "ddl_classify.hpp"
#include "refusal_pg.hpp"
#include "row_budget.hpp"
#include "session_lock.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "commands/copy.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/elog.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

#include <string>

namespace redline::guard_lock {

namespace {

// C symbols of built-in (or copied: LANGUAGE internal/C) functions that change state the
// executor's permission checks do not see and that ignore a read-only transaction. Those that
// respect one (nextval(), setval(), most of core) are left to the read-only backstop, which
// check_function() raises before any function runs and which knows a temporary sequence from
// a permanent one.
constexpr const char *writer_symbols[] = {"be_lo_creat",
                                          "be_lo_create",
                                          "be_lo_from_bytea",
                                          "be_lo_import",
                                          "be_lo_import_with_oid",
                                          "be_lo_export",
                                          "be_lo_unlink",
                                          "be_lo_put",
                                          "be_lowrite",
                                          "be_lo_truncate",
                                          "be_lo_truncate64",
                                          "pg_reload_conf",
                                          "pg_switch_wal",
                                          "pg_create_restore_point",
                                          "pg_promote",
                                          "pg_backup_start",
                                          "pg_backup_stop",
                                          "pg_create_physical_replication_slot",
                                          "pg_create_logical_replication_slot",
                                          "pg_drop_replication_slot",
                                          "pg_copy_physical_replication_slot_a",
                                          "pg_copy_physical_replication_slot_b",
                                          "pg_copy_logical_replication_slot_a",
                                          "pg_copy_logical_replication_slot_b",
                                          "pg_copy_logical_replication_slot_c",
                                          "pg_replication_origin_create",
                                          "pg_replication_origin_drop",
                                          "pg_replication_origin_advance",
                                          "pg_replication_origin_session_setup",
                                          "pg_logical_emit_message_text",
                                          "pg_logical_emit_message_bytea",
                                          "pg_stat_reset",
                                          "pg_stat_reset_shared",
                                          "pg_stat_reset_single_table_counters",
                                          "pg_stat_reset_single_function_counters",
                                          "pg_stat_reset_slru",
                                          "pg_stat_reset_replication_slot",
                                          "pg_stat_reset_subscription_stats",
                                          "pg_import_system_collations",
                                          "pg_file_write",
                                          "pg_file_write_v1_1",
                                          "pg_file_rename",
                                          "pg_file_rename_v1_1",
                                          "pg_file_unlink",
                                          "pg_file_unlink_v1_1",
                                          "pg_file_sync",
                                          "pg_replication_slot_advance",
                                          "pg_logical_slot_get_changes",
                                          "pg_logical_slot_get_binary_changes",
                                          "pg_replication_origin_session_reset",
                                          "pg_replication_origin_xact_setup",
                                          "pg_replication_origin_xact_reset",
                                          "brin_summarize_new_values",
                                          "brin_summarize_range",
                                          "brin_desummarize_range",
                                          "gin_clean_pending_list",
                                          "pg_truncate_visibility_map",
                                          "pg_stat_statements_reset",
                                          "pg_stat_statements_reset_1_7",
                                          "pg_stat_reset_single_function_counters"};

enum FunctionKind : uint8 { unknown = 0, ordinary = 1, writer = 2, own = 3 };

// A small per-backend cache of function verdicts, consulted only by locked sessions.
struct CacheEntry {
    Oid funcid;
    FunctionKind kind;
};
constexpr int cache_size = 256;
CacheEntry cache[cache_size];

// A function replaced or dropped and created again under the same oid (CREATE OR REPLACE,
// ALTER FUNCTION) is judged again.
void forget_functions(Datum, int, uint32) { memset(cache, 0, sizeof cache); }

FunctionKind classify_function(Oid funcid)
{
    CacheEntry *slot = &cache[funcid % cache_size];
    if (slot->funcid == funcid && slot->kind != unknown)
        return slot->kind;
    FunctionKind kind = ordinary;
    HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
    if (HeapTupleIsValid(tuple)) {
        auto *proc = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
        if (proc->prolang == INTERNALlanguageId || proc->prolang == ClanguageId) {
            bool isnull = false;
            Datum src = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_prosrc, &isnull);
            if (!isnull) {
                char *symbol = TextDatumGetCString(src);
                for (const char *w : writer_symbols)
                    if (strcmp(symbol, w) == 0)
                        kind = writer;
                pfree(symbol);
            }
            if (proc->prolang == ClanguageId && kind == ordinary) {
                char *schema = get_namespace_name(proc->pronamespace);
                if (schema != nullptr && strcmp(schema, "redline") == 0 && superuser_arg(proc->proowner))
                    kind = own;
            }
        }
        ReleaseSysCache(tuple);
    }
    slot->funcid = funcid;
    slot->kind = kind;
    return kind;
}

Verdict refuse_write(const char *what)
{
    LockContext ctx = session_lock::context();
    return Verdict::refuse(cpp_entry([&] { return to_pg(refuse_locked_write(what, ctx)); }));
}

Verdict refuse_gated(const char *what)
{
    LockContext ctx = session_lock::context();
    return Verdict::refuse(cpp_entry([&] { return to_pg(refuse_before_unlock(what, ctx)); }));
}

const char *qualified(Oid relid)
{
    char *schema = get_namespace_name(get_rel_namespace(relid));
    char *name = get_rel_name(relid);
    return quote_qualified_identifier(schema, name);
}

const char *tag_of(Node *stmt) { return GetCommandTagName(CreateCommandTag(stmt)); }

const char *rangevar_name(RangeVar *rv)
{
    Oid relid = RangeVarGetRelid(rv, NoLock, true);
    return OidIsValid(relid) ? qualified(relid) : quote_qualified_identifier(rv->schemaname, rv->relname);
}

int lifted_depth = 0;

} // namespace

Verdict check_executor(const StatementFacts &f)
{
    if (f.explain_only || !f.locked)
        return Verdict::allow();
    PlannedStmt *ps = f.qd->plannedstmt;
    if (session_lock::gated()) {
        ListCell *lc;
        foreach (lc, ps->rtable) {
            auto *rte = lfirst_node(RangeTblEntry, lc);
            if (rte->rtekind == RTE_RELATION)
                return refuse_gated(psprintf("reading %s", qualified(rte->relid)));
        }
        return Verdict::allow();
    }
    for (int i = 0; i < f.ntargets; i++) {
        if (f.targets[i].temporary)
            continue;
        const char *what = ps->commandType != CMD_SELECT ? row_budget::command_name(ps->commandType)
                           : ps->rowMarks != NIL         ? "SELECT ... FOR UPDATE/SHARE"
                                                         : "a data-modifying WITH query";
        if (ps->commandType != CMD_SELECT && ps->hasModifyingCTE)
            what = psprintf("%s with a data-modifying WITH query", what);
        return refuse_write(psprintf("%s on %s", what, qualified(f.targets[i].relid)));
    }
    return f.more_targets ? refuse_write(row_budget::command_name(ps->commandType)) : Verdict::allow();
}

namespace {

bool names_session_token(VariableSetStmt *set)
{
    return set != nullptr && set->name != nullptr && set->kind == VAR_SET_VALUE &&
           (pg_strcasecmp(set->name, "redline.session_token") == 0 ||
            pg_strcasecmp(set->name, "redline.approval_token") == 0);
}

bool options_set_session_token(List *options)
{
    ListCell *lc;
    foreach (lc, options) {
        auto *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, "set") == 0 && opt->arg != nullptr && IsA(opt->arg, VariableSetStmt) &&
            names_session_token(castNode(VariableSetStmt, opt->arg)))
            return true;
    }
    return false;
}

} // namespace

Verdict refuse_stored_token(const StatementFacts &f)
{
    Node *stmt = f.stmt;
    bool stored = false;
    switch (nodeTag(stmt)) {
    case T_AlterRoleSetStmt:
        stored = names_session_token(castNode(AlterRoleSetStmt, stmt)->setstmt);
        break;
    case T_AlterDatabaseSetStmt:
        stored = names_session_token(castNode(AlterDatabaseSetStmt, stmt)->setstmt);
        break;
    case T_CreateFunctionStmt:
        stored = options_set_session_token(castNode(CreateFunctionStmt, stmt)->options);
        break;
    case T_AlterFunctionStmt:
        stored = options_set_session_token(castNode(AlterFunctionStmt, stmt)->actions);
        break;
    default:
        return Verdict::allow();
    }
    if (!stored)
        return Verdict::allow();
    auto *refusal = static_cast<PgRefusal *>(palloc0(sizeof(PgRefusal)));
    refusal->sqlerrcode = ERRCODE_INVALID_PARAMETER_VALUE;
    refusal->message = pstrdup("redline tokens cannot be stored in a role, database or function setting");
    refusal->detail = pstrdup("A session token is presented once by the person it unlocks; stored, anyone who can read "
                              "the catalog could read it.");
    refusal->hint = pstrdup("Present it at connect (PGOPTIONS='-c redline.session_token=...'), with SET, or with "
                            "SELECT redline.unlock('...');");
    return Verdict::refuse(refusal);
}

void enter_lifted() { lifted_depth++; }
void leave_lifted() { lifted_depth--; }

Verdict check_utility(const StatementFacts &f)
{
    Node *stmt = f.stmt;
    if (!f.locked)
        return Verdict::allow();
    // The subcommands of an allowed statement (the sequence of a temporary serial column)
    // pass PostgreSQL's read-only check again, which a function run earlier in the
    // statement may have raised again.
    if (f.subcommand && lifted_depth > 0)
        return Verdict::lifted();
    bool gate = session_lock::gated();
    switch (nodeTag(stmt)) {
    case T_TransactionStmt: {
        auto kind = castNode(TransactionStmt, stmt)->kind;
        if (kind == TRANS_STMT_PREPARE || kind == TRANS_STMT_COMMIT_PREPARED || kind == TRANS_STMT_ROLLBACK_PREPARED)
            break;
        return Verdict::allow();
    }
    case T_VariableSetStmt:
    case T_VariableShowStmt:
    case T_DiscardStmt:
    case T_DeallocateStmt:
        return Verdict::allow();
    case T_CreateExtensionStmt:
        if (strcmp(castNode(CreateExtensionStmt, stmt)->extname, "redline") == 0)
            return Verdict::bootstrap();
        break;
    case T_AlterExtensionStmt:
        if (strcmp(castNode(AlterExtensionStmt, stmt)->extname, "redline") == 0)
            return Verdict::bootstrap();
        break;
    default:
        break;
    }
    if (gate)
        return refuse_gated(tag_of(stmt));

    switch (nodeTag(stmt)) {
    case T_TransactionStmt:
        return refuse_write(tag_of(stmt));
    case T_PrepareStmt:
    case T_ExecuteStmt:
    case T_DeclareCursorStmt:
    case T_FetchStmt:
    case T_ClosePortalStmt:
    case T_NotifyStmt:
    case T_ListenStmt:
    case T_UnlistenStmt:
    case T_ExplainStmt:
    case T_DoStmt:
    case T_CallStmt:
    case T_ConstraintsSetStmt:
        return Verdict::allow();
    case T_CopyStmt: {
        auto *copy = castNode(CopyStmt, stmt);
        if (copy->is_program)
            return refuse_write(copy->is_from ? "COPY FROM PROGRAM" : "COPY TO PROGRAM");
        if (!copy->is_from) {
            if (copy->filename != nullptr)
                return refuse_write("COPY TO a server file");
            return Verdict::allow();
        }
        // PostgreSQL lets COPY into the session's own table past a read-only transaction.
        if (facts::all_temporary(f))
            return Verdict::allow();
        return refuse_write(copy->relation != nullptr ? psprintf("COPY FROM into %s", rangevar_name(copy->relation))
                                                      : "COPY FROM");
    }
    case T_LockStmt: {
        auto *lock = castNode(LockStmt, stmt);
        if (lock->mode <= AccessShareLock)
            return Verdict::allow();
        for (int i = 0; i < f.ntargets; i++)
            if (!f.targets[i].temporary)
                return refuse_write(psprintf("LOCK TABLE %s IN %s MODE",
                                             rangevar_name(list_nth_node(RangeVar, lock->relations, i)),
                                             ddl_classify::lock_name(lock->mode)));
        return f.more_targets ? refuse_write(tag_of(stmt)) : Verdict::allow();
    }
    case T_CreateStmt:
    case T_CreateTableAsStmt:
    case T_ViewStmt:
    case T_CreateSeqStmt:
    case T_IndexStmt:
    case T_AlterTableStmt:
    case T_TruncateStmt:
    case T_DropStmt:
        // The session's own temporary objects, and only them (a temporary table that
        // inherits a permanent one names both).
        if (f.tag == T_CreateTableAsStmt && castNode(CreateTableAsStmt, stmt)->objtype != OBJECT_TABLE)
            break;
        if (facts::all_temporary(f))
            return Verdict::lifted();
        break;
    default:
        break;
    }
    return refuse_write(tag_of(stmt));
}

PgRefusal *backstop_refusal(const ErrorData *error)
{
    if (error->sqlerrcode != ERRCODE_READ_ONLY_SQL_TRANSACTION || !session_lock::locked())
        return nullptr;
    // "cannot execute nextval() in a read-only transaction" names the action.
    const char *action = error->message != nullptr ? error->message : "a write";
    if (strncmp(action, "cannot execute ", 15) == 0) {
        char *copy = pstrdup(action + 15);
        char *tail = strstr(copy, " in a read-only transaction");
        if (tail != nullptr)
            *tail = '\0';
        action = copy;
    }
    LockContext ctx = session_lock::context_without_catalog();
    return cpp_entry([&] { return to_pg(refuse_locked_write(action, ctx)); });
}

void install() { CacheRegisterSyscacheCallback(PROCOID, forget_functions, 0); }

Verdict check_function(const StatementFacts &f)
{
    if (!f.locked)
        return Verdict::allow();
    FunctionKind kind = classify_function(f.function);
    if (session_lock::gated())
        return kind == own ? Verdict::allow() : refuse_gated(psprintf("calling %s()", get_func_name(f.function)));
    if (kind == writer)
        return refuse_write(psprintf("%s()", get_func_name(f.function)));
    return Verdict::allow();
}

} // namespace redline::guard_lock
