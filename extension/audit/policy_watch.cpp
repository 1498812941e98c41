// The session's last seen redline.* values and the rows that record their changes.
#include "policy_watch.hpp"
#include "audit_log.hpp"
#include "setting_walk.hpp"
#include "settings.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
}

#include <cstring>

namespace redline::policy_watch {

uint64 seen_generation = 0;

namespace {

// Settings a person sets for their own statement, not policy.
constexpr const char *personal[] = {"redline.session_token", "redline.approval_token", "redline.expect_rows"};

constexpr int max_settings = 64;

struct Seen {
    char name[64];
    char *value; // in TopMemoryContext
};
Seen seen[max_settings];
int nseen = 0;
bool baseline_taken = false;

enum class Moment { between_statements, statement_end, function_clause };

struct Walk {
    Moment moment;
    bool keep; // update the last seen values
    const char *function;
    int index;
};

bool is_personal(const char *name)
{
    for (const char *p : personal)
        if (strcmp(name, p) == 0)
            return true;
    return false;
}

Seen *find(const char *name, int hint)
{
    if (hint < nseen && strcmp(seen[hint].name, name) == 0)
        return &seen[hint];
    for (int i = 0; i < nseen; i++)
        if (strcmp(seen[i].name, name) == 0)
            return &seen[i];
    return nullptr;
}

void compare(const SettingSeen &now, void *arg)
{
    auto *walk = static_cast<Walk *>(arg);
    if (is_personal(now.name))
        return;
    int hint = walk->index++;
    Seen *last = find(now.name, hint);
    if (last == nullptr) {
        if (nseen == max_settings)
            return;
        last = &seen[nseen++];
        strlcpy(last->name, now.name, sizeof last->name);
        last->value = MemoryContextStrdup(TopMemoryContext, now.value);
        return;
    }
    if (strcmp(last->value, now.value) == 0)
        return;
    // Between statements only the session's own changes are its doing; the rest is a
    // transaction's end or a reload.
    bool record = baseline_taken && (walk->moment != Moment::between_statements || now.by_session);
    if (record) {
        const char *how = walk->moment == Moment::function_clause
                              ? psprintf("by the SET clause of function %s", walk->function)
                              : "in this session";
        audit::policy_change(psprintf("%s %s '%s' %s (was '%s')", now.name, now.by_session ? "set to" : "reset to",
                                      now.value, how, last->value),
                             strcmp(now.name, "redline.audit") == 0);
    }
    if (walk->keep) {
        pfree(last->value);
        last->value = MemoryContextStrdup(TopMemoryContext, now.value);
    }
}

void look(Moment moment, bool keep, const char *function)
{
    Walk walk{moment, keep, function, 0};
    walk_redline_settings(compare, &walk);
    baseline_taken = true;
}

// Whether the function's SET clause names a redline.* setting.
bool sets_redline(Oid function)
{
    HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(function));
    if (!HeapTupleIsValid(tuple))
        return false;
    bool isnull = true;
    Datum config = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_proconfig, &isnull);
    bool found = false;
    if (!isnull) {
        Datum *items = nullptr;
        int n = 0;
        deconstruct_array(DatumGetArrayTypeP(config), TEXTOID, -1, false, TYPALIGN_INT, &items, nullptr, &n);
        for (int i = 0; i < n && !found; i++) {
            char *item = TextDatumGetCString(items[i]);
            found = pg_strncasecmp(item, "redline.", 8) == 0;
            pfree(item);
        }
    }
    ReleaseSysCache(tuple);
    return found;
}

// A parallel worker records nothing: its settings are the leader's, restored, and a function's
// SET clause that applies there ends with the call and cannot change what the leader judges.
bool due() { return seen_generation != settings::policy_generation && IsTransactionState() && !IsParallelWorker(); }

} // namespace

void look_between_statements()
{
    if (!due())
        return;
    seen_generation = settings::policy_generation;
    look(Moment::between_statements, true, nullptr);
}

void look_after_statement()
{
    if (!due())
        return;
    seen_generation = settings::policy_generation;
    look(Moment::statement_end, true, nullptr);
}

void function_settings_applied(Oid function)
{
    if (likely(!due()) || !sets_redline(function))
        return;
    // The values it set are undone as it returns: compared again then, not kept now.
    char *name = get_func_name(function);
    look(Moment::function_clause, false, name != nullptr ? name : "?");
}

} // namespace redline::policy_watch
