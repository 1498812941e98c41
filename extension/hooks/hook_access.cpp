// object_access_hook: every function is announced (OAT_FUNCTION_EXECUTE) before the
// executor sets it up and before a fast-path call runs it, built-in or not, so the write
// lock sees large-object and server-file functions however they are reached.
#include "approvals.hpp"
#include "guard_lock.hpp"
#include "hooks.hpp"
#include "session_lock.hpp"

extern "C" {
#include "postgres.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_proc.h"
}

namespace redline {

namespace {

object_access_hook_type prev_object_access = nullptr;

void redline_object_access(ObjectAccessType access, Oid class_id, Oid object_id, int sub_id, void *arg)
{
    if (prev_object_access != nullptr)
        prev_object_access(access, class_id, object_id, sub_id, arg);
    if (access == OAT_FUNCTION_EXECUTE && class_id == ProcedureRelationId) {
        if (likely(!session_lock::locked()))
            return;
        // Wherever a function runs (executor, a PL/pgSQL assignment, a CALL argument, an
        // EXECUTE parameter, a column default in COPY or ALTER TABLE, a fast-path call), the
        // transaction is read-only first: core then refuses nextval() and friends on permanent
        // objects, also inside a temporary-table statement let past the read-only check.
        session_lock::force_read_only();
        enforce(guards::judge(facts::of_function(object_id)));
    } else if (access == OAT_DROP || access == OAT_TRUNCATE)
        approvals::note_access(access, class_id, object_id, sub_id, arg);
}

} // namespace

void install_access_hooks()
{
    prev_object_access = object_access_hook;
    object_access_hook = redline_object_access;
}

} // namespace redline
