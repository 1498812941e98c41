// Decides whether an UPDATE/DELETE/MERGE restricts its target rows. The condition is
// constant-folded first (1=1, NOT false, 1=1 OR id=5 become TRUE), then judged: an
// effective condition must, in every OR branch, name a column of the target. This is the
// early check, with the precise message, for the shapes syntax can see; a condition that
// holds for every row by what it computes (id = id + 0, name LIKE '%') is caught after the
// statement ran, by what it changed (every_row.hpp, settled by the row budget).
#include "guard_where.hpp"
#include "boundary.hpp"
#include "refusal_pg.hpp"
#include "scratch_tables.hpp"
#include "settings.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace redline::guard_where {

namespace {

// PostgreSQL 15 declares tree walkers as bool (*)(); the detour through void (*)(void)
// is the portable way to say the argument types are known to match.
template <typename Context>
auto as_walker(bool (*fn)(Node *, Context *))
{
    return reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(fn));
}

struct TargetSearch {
    Index varno;
    int levelsup;
};

bool names_target_walker(Node *node, TargetSearch *ctx)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Var)) {
        auto *var = castNode(Var, node);
        return var->varno == static_cast<int>(ctx->varno) && static_cast<int>(var->varlevelsup) == ctx->levelsup;
    }
    if (IsA(node, CurrentOfExpr))
        return ctx->levelsup == 0 && castNode(CurrentOfExpr, node)->cvarno == ctx->varno;
    if (IsA(node, Query)) {
        ctx->levelsup++;
        bool found = query_tree_walker(castNode(Query, node), as_walker(names_target_walker), ctx, 0);
        ctx->levelsup--;
        return found;
    }
    return expression_tree_walker(node, as_walker(names_target_walker), ctx);
}

bool names_target(Node *node, Index target)
{
    TargetSearch ctx{target, 0};
    return names_target_walker(node, &ctx);
}

// "id = id", "t.x >= t.x": an operator applied to one expression twice.
bool compares_with_itself(Node *node)
{
    if (!IsA(node, OpExpr))
        return false;
    auto *op = castNode(OpExpr, node);
    return list_length(op->args) == 2 && equal(linitial(op->args), lsecond(op->args)) &&
           !contain_volatile_functions(static_cast<Node *>(linitial(op->args)));
}

bool column_is_not_null(Oid relid, AttrNumber attnum)
{
    HeapTuple tuple = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
    if (!HeapTupleIsValid(tuple))
        return false;
    bool not_null = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(tuple))->attnotnull;
    ReleaseSysCache(tuple);
    return not_null;
}

// "id IN (SELECT id FROM t)" on t itself, with nothing that would drop a row of t.
bool matches_itself(Node *node, Index target, Oid relid)
{
    if (!IsA(node, SubLink))
        return false;
    auto *link = castNode(SubLink, node);
    if (link->subLinkType != ANY_SUBLINK || link->testexpr == nullptr || !IsA(link->testexpr, OpExpr))
        return false;
    auto *sub = castNode(Query, link->subselect);
    if (sub->setOperations != nullptr || sub->limitCount != nullptr || sub->limitOffset != nullptr ||
        sub->groupClause != NIL || sub->havingQual != nullptr || sub->hasAggs || sub->hasWindowFuncs ||
        sub->hasTargetSRFs || sub->cteList != NIL || list_length(sub->rtable) != 1 || sub->jointree == nullptr ||
        sub->jointree->quals != nullptr)
        return false;
    auto *rte = static_cast<RangeTblEntry *>(linitial(sub->rtable));
    if (rte->rtekind != RTE_RELATION || rte->relid != relid || list_length(sub->targetList) != 1)
        return false;
    // The test is "target.col = $sub.col" and the subquery returns the same column.
    auto *op = castNode(OpExpr, link->testexpr);
    if (list_length(op->args) != 2 || !IsA(linitial(op->args), Var) || !IsA(lsecond(op->args), Param))
        return false;
    auto *outer = castNode(Var, linitial(op->args));
    auto *inner = castNode(TargetEntry, linitial(sub->targetList))->expr;
    return outer->varno == static_cast<int>(target) && outer->varlevelsup == 0 && IsA(inner, Var) &&
           castNode(Var, inner)->varattno == outer->varattno && castNode(Var, inner)->varlevelsup == 0;
}

// "id IS NOT NULL" where id is declared NOT NULL, or is a system column.
bool tests_unnullable_column(Node *node, Index target, Oid relid)
{
    if (!IsA(node, NullTest))
        return false;
    auto *test = castNode(NullTest, node);
    if (test->nulltesttype != IS_NOT_NULL || test->argisrow || !IsA(test->arg, Var))
        return false;
    auto *var = castNode(Var, test->arg);
    if (var->varno != static_cast<int>(target) || var->varlevelsup != 0)
        return false;
    return var->varattno < 0 || (var->varattno > 0 && column_is_not_null(relid, var->varattno));
}

WhereFlaw judge(Node *cond, Index target, Oid relid)
{
    if (cond == nullptr)
        return WhereFlaw::constant_true;
    if (IsA(cond, Const)) {
        auto *c = castNode(Const, cond);
        // FALSE or NULL selects nothing: harmless.
        return !c->constisnull && DatumGetBool(c->constvalue) ? WhereFlaw::constant_true : WhereFlaw::none;
    }
    if (IsA(cond, List) || is_andclause(cond)) {
        // AND restricts if any conjunct does.
        List *args = IsA(cond, List) ? castNode(List, cond) : castNode(BoolExpr, cond)->args;
        WhereFlaw first = WhereFlaw::constant_true;
        ListCell *lc;
        foreach (lc, args) {
            WhereFlaw f = judge(static_cast<Node *>(lfirst(lc)), target, relid);
            if (f == WhereFlaw::none)
                return WhereFlaw::none;
            if (lc == list_head(args))
                first = f;
        }
        return first;
    }
    if (is_orclause(cond)) {
        // OR restricts only if every branch does.
        ListCell *lc;
        foreach (lc, castNode(BoolExpr, cond)->args) {
            WhereFlaw f = judge(static_cast<Node *>(lfirst(lc)), target, relid);
            if (f != WhereFlaw::none)
                return f;
        }
        return WhereFlaw::none;
    }
    if (compares_with_itself(cond))
        return WhereFlaw::self_comparison;
    if (tests_unnullable_column(cond, target, relid))
        return WhereFlaw::not_null_test;
    if (matches_itself(cond, target, relid))
        return WhereFlaw::self_subquery;
    return names_target(cond, target) ? WhereFlaw::none : WhereFlaw::no_target_reference;
}

// The WHERE clause and every JOIN ... ON condition of the FROM list, as one conjunction.
void collect_conditions(Node *jtnode, List **conds)
{
    if (jtnode == nullptr)
        return;
    if (IsA(jtnode, FromExpr)) {
        auto *from = castNode(FromExpr, jtnode);
        if (from->quals != nullptr)
            *conds = lappend(*conds, from->quals);
        ListCell *lc;
        foreach (lc, from->fromlist)
            collect_conditions(static_cast<Node *>(lfirst(lc)), conds);
    } else if (IsA(jtnode, JoinExpr)) {
        auto *join = castNode(JoinExpr, jtnode);
        if (join->quals != nullptr)
            *conds = lappend(*conds, join->quals);
        collect_conditions(join->larg, conds);
        collect_conditions(join->rarg, conds);
    }
}

// Judges the conditions (collected, not yet folded) for q's target. no_where when absent.
// The common shape "target.column <op> constant-or-parameter" restricts the target and
// stays so under constant folding (at worst it folds to NULL, which selects nothing), so
// a condition with such a conjunct needs no folding: the fast path for ordinary writes.
bool compares_column_with_value(Node *node, Index target)
{
    if (!IsA(node, OpExpr) || list_length(castNode(OpExpr, node)->args) != 2)
        return false;
    auto *op = castNode(OpExpr, node);
    Node *left = static_cast<Node *>(linitial(op->args));
    Node *right = static_cast<Node *>(lsecond(op->args));
    auto is_target_column = [target](Node *n) {
        return IsA(n, Var) && castNode(Var, n)->varno == static_cast<int>(target) &&
               castNode(Var, n)->varlevelsup == 0 && castNode(Var, n)->varattno > 0;
    };
    auto is_value = [](Node *n) { return IsA(n, Const) || IsA(n, Param); };
    return (is_target_column(left) && is_value(right)) || (is_value(left) && is_target_column(right));
}

bool obviously_restricts_one(Node *cond, Index target)
{
    if (compares_column_with_value(cond, target))
        return true;
    if (is_andclause(cond)) {
        ListCell *arm;
        foreach (arm, castNode(BoolExpr, cond)->args)
            if (compares_column_with_value(static_cast<Node *>(lfirst(arm)), target))
                return true;
    }
    return false;
}

bool obviously_restricts(List *conds, Index target)
{
    ListCell *lc;
    foreach (lc, conds)
        if (obviously_restricts_one(static_cast<Node *>(lfirst(lc)), target))
            return true;
    return false;
}

WhereFlaw judge_condition(Query *q, List *conds, Node *extra)
{
    if (extra != nullptr)
        conds = lappend(list_copy(conds), extra);
    if (conds == NIL)
        return WhereFlaw::no_where;
    if (obviously_restricts(conds, q->resultRelation))
        return WhereFlaw::none;
    Node *cond = list_length(conds) == 1 ? static_cast<Node *>(linitial(conds))
                                         : reinterpret_cast<Node *>(make_andclause(conds));
    Node *folded = eval_const_expressions(nullptr, static_cast<Node *>(copyObjectImpl(cond)));
    return judge(folded, q->resultRelation, rt_fetch(q->resultRelation, q->rtable)->relid);
}

bool has_other_tables(Query *q)
{
    // The target plus anything else in the FROM list: FROM, USING, or MERGE's source.
    return q->jointree != nullptr &&
           (list_length(q->jointree->fromlist) > 1 ||
            (q->commandType == CMD_MERGE && list_length(q->jointree->fromlist) >= 1) ||
            (list_length(q->jointree->fromlist) == 1 && !IsA(linitial(q->jointree->fromlist), RangeTblRef)));
}

// Refuses, unless the target is a temporary table (decided last: it costs catalog lookups).
PgRefusal *refuse(Query *q, WriteCommand command, WhereFlaw flaw, bool in_with)
{
    RangeTblEntry *rte = rt_fetch(q->resultRelation, q->rtable);
    if (is_scratch_table(rte->relid))
        return nullptr;
    char *name = get_rel_name(rte->relid);
    WriteShape shape{command,
                     flaw,
                     name != nullptr ? name : "?",
                     get_rel_relkind(rte->relid) == RELKIND_VIEW,
                     has_other_tables(q),
                     q->querySource != QSRC_ORIGINAL,
                     in_with};
    return cpp_entry([&] { return to_pg(refuse_unqualified_write(shape)); });
}

PgRefusal *check_one(Query *q, bool in_with)
{
    if (q->resultRelation <= 0)
        return nullptr;
    switch (q->commandType) {
    case CMD_UPDATE:
    case CMD_DELETE: {
        // The common shape, "WHERE target.column <op> value [AND …]", settled without
        // collecting or folding anything.
        Node *where = q->jointree != nullptr ? q->jointree->quals : nullptr;
        if (where != nullptr && obviously_restricts_one(where, q->resultRelation))
            return nullptr;
        List *conds = NIL;
        collect_conditions(reinterpret_cast<Node *>(q->jointree), &conds);
        WhereFlaw flaw = judge_condition(q, conds, nullptr);
        if (flaw != WhereFlaw::none)
            return refuse(q, q->commandType == CMD_UPDATE ? WriteCommand::update : WriteCommand::delete_, flaw,
                          in_with);
        break;
    }
    case CMD_MERGE: {
        // WHEN MATCHED THEN UPDATE/DELETE touches every target row the ON condition
        // matches; it restricts if the ON condition or the action's own condition does.
        List *conds = NIL;
        collect_conditions(reinterpret_cast<Node *>(q->jointree), &conds);
        ListCell *lc;
        foreach (lc, q->mergeActionList) {
            auto *action = lfirst_node(MergeAction, lc);
            if (!action->matched || (action->commandType != CMD_UPDATE && action->commandType != CMD_DELETE))
                continue;
            WhereFlaw flaw = judge_condition(q, conds, action->qual);
            if (flaw == WhereFlaw::no_where)
                flaw = WhereFlaw::constant_true;
            if (flaw == WhereFlaw::none)
                continue;
            PgRefusal *refusal =
                refuse(q, action->commandType == CMD_UPDATE ? WriteCommand::merge_update : WriteCommand::merge_delete,
                       flaw, in_with);
            if (refusal != nullptr)
                return refusal;
        }
        break;
    }
    default:
        break;
    }
    return nullptr;
}

PgRefusal *check_tree(Query *q, bool in_with)
{
    PgRefusal *refusal = check_one(q, in_with);
    if (refusal != nullptr || !q->hasModifyingCTE)
        return refusal;
    ListCell *lc;
    foreach (lc, q->cteList) {
        auto *cte = lfirst_node(CommonTableExpr, lc);
        if (cte->ctequery != nullptr && IsA(cte->ctequery, Query) &&
            (refusal = check_tree(castNode(Query, cte->ctequery), true)) != nullptr)
            return refusal;
    }
    return nullptr;
}

Verdict check(const StatementFacts &f)
{
    Query *q = f.query;
    if (q->commandType == CMD_UTILITY || (q->commandType == CMD_SELECT && !q->hasModifyingCTE) || f.explain_only ||
        !settings::active() || !settings::require_where())
        return Verdict::allow();
    PgRefusal *refusal = check_tree(q, false);
    return refusal != nullptr ? Verdict::refuse(refusal) : Verdict::allow();
}

} // namespace

Verdict check_analyzed(const StatementFacts &facts) { return check(facts); }
Verdict check_planned(const StatementFacts &facts) { return check(facts); }

} // namespace redline::guard_where
