// redline.enroll_key(), revoke_key(), keys, unlock() and lock(): the SQL face of the
// cluster store and of the session lock.
#include "audit_log.hpp"
#include "cluster_store.hpp"
#include "session_lock.hpp"
#include "session_role.hpp"
#include "store_format.hpp"
#include "token_check.hpp"

#include <ctime>

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_authid.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PGDLLEXPORT Datum redline_enroll_key(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum redline_revoke_key(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum redline_keys(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum redline_unlock(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum redline_lock(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(redline_enroll_key);
PG_FUNCTION_INFO_V1(redline_revoke_key);
PG_FUNCTION_INFO_V1(redline_keys);
PG_FUNCTION_INFO_V1(redline_unlock);
PG_FUNCTION_INFO_V1(redline_lock);
}

using namespace redline;

namespace {

// enroll_key and revoke_key: superusers and members of redline_admin, whatever EXECUTE
// grants say (the SQL script grants it to redline_admin only, as well).
void require_admin(const char *function)
{
    if (superuser())
        return;
    Oid admin = get_role_oid("redline_admin", true);
    if (OidIsValid(admin) && has_privs_of_role(GetUserId(), admin))
        return;
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied for %s", function),
                    errdetail("Keys are managed by superusers and members of redline_admin."),
                    errhint("Ask a DBA to run it, or to GRANT redline_admin TO you.")));
}

TimestampTz to_timestamptz(int64 unix_seconds) { return time_t_to_timestamptz(static_cast<pg_time_t>(unix_seconds)); }

} // namespace

Datum redline_enroll_key(PG_FUNCTION_ARGS)
{
    require_admin("redline.enroll_key()");
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("role and public key must not be null")));
    char *role = text_to_cstring(PG_GETARG_TEXT_PP(0));
    char *paserk = text_to_cstring(PG_GETARG_TEXT_PP(1));
    char *label = PG_ARGISNULL(2) ? pstrdup("") : text_to_cstring(PG_GETARG_TEXT_PP(2));

    if (!OidIsValid(get_role_oid(role, true)))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("role \"%s\" does not exist", role),
                        errhint("Keys are enrolled for an existing login role; create the role first.")));
    cluster_store::Key key{};
    if (!token_check::key_id_of(paserk, key.kid, sizeof key.kid) || strlen(paserk) >= sizeof key.paserk)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("not a PASERK k4.public key"),
                        errdetail("A public key is given as printed by `redline keygen`: k4.public. followed by 43 "
                                  "base64url characters (an Ed25519 public key)."),
                        errhint("Never enroll a k4.secret key: it stays on the person's machine.")));
    if (strlen(label) > store::max_label_size)
        ereport(ERROR, (errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
                        errmsg("a key label is at most %d bytes", static_cast<int>(store::max_label_size))));
    strlcpy(key.role, role, sizeof key.role);
    strlcpy(key.paserk, paserk, sizeof key.paserk);
    strlcpy(key.label, label, sizeof key.label);

    switch (cluster_store::enroll(&key)) {
    case cluster_store::EnrollResult::enrolled:
        ereport(LOG, (errmsg("redline: key %s enrolled for role \"%s\" (label \"%s\") by \"%s\"", key.kid, role, label,
                             GetUserNameFromId(GetUserId(), false))));
        audit::policy_change(psprintf("key %s enrolled for role \"%s\" (label \"%s\")", key.kid, role, label));
        break;
    case cluster_store::EnrollResult::already:
        ereport(NOTICE, (errmsg("key %s is already enrolled for role \"%s\"", key.kid, role)));
        break;
    case cluster_store::EnrollResult::other_role:
        ereport(ERROR, (errcode(ERRCODE_DUPLICATE_OBJECT),
                        errmsg("key %s is already enrolled for role \"%s\"", key.kid, key.role),
                        errdetail("A key belongs to one person: it unlocks one role."),
                        errhint("Generate a separate key with `redline keygen` for role \"%s\".", role)));
    case cluster_store::EnrollResult::revoked:
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("key %s was revoked and cannot be enrolled again", key.kid),
                        errhint("Generate a new key with `redline keygen`.")));
    case cluster_store::EnrollResult::full:
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("the cluster already holds %d keys", cluster_store::max_keys)));
    }
    PG_RETURN_TEXT_P(cstring_to_text(key.kid));
}

Datum redline_revoke_key(PG_FUNCTION_ARGS)
{
    require_admin("redline.revoke_key()");
    char *kid = text_to_cstring(PG_GETARG_TEXT_PP(0));
    switch (cluster_store::revoke(kid, static_cast<int64>(time(nullptr)))) {
    case cluster_store::RevokeResult::revoked:
        ereport(LOG, (errmsg("redline: key %s revoked by \"%s\"", kid, GetUserNameFromId(GetUserId(), false))));
        audit::policy_change(psprintf("key %s revoked", kid));
        PG_RETURN_BOOL(true);
    case cluster_store::RevokeResult::already:
        ereport(NOTICE, (errmsg("key %s was already revoked", kid)));
        PG_RETURN_BOOL(false);
    case cluster_store::RevokeResult::unknown:
        break;
    }
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("no key %s is enrolled", kid),
                    errhint("SELECT key_id, role, label FROM redline.keys; lists the enrolled keys.")));
    PG_RETURN_NULL();
}

Datum redline_keys(PG_FUNCTION_ARGS)
{
    InitMaterializedSRF(fcinfo, 0);
    auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    auto *keys = static_cast<cluster_store::Key *>(palloc(sizeof(cluster_store::Key) * cluster_store::max_keys));
    int n = cluster_store::list_keys(keys, cluster_store::max_keys);
    for (int i = 0; i < n; i++) {
        Datum values[6];
        bool nulls[6] = {false};
        values[0] = CStringGetTextDatum(keys[i].kid);
        values[1] = CStringGetTextDatum(keys[i].role);
        values[2] = CStringGetTextDatum(keys[i].paserk);
        values[3] = CStringGetTextDatum(keys[i].label);
        values[4] = TimestampTzGetDatum(to_timestamptz(keys[i].created));
        values[5] = TimestampTzGetDatum(to_timestamptz(keys[i].revoked));
        nulls[5] = keys[i].revoked == 0;
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    pfree(keys);
    return static_cast<Datum>(0);
}

Datum redline_unlock(PG_FUNCTION_ARGS)
{
    char *token = text_to_cstring(PG_GETARG_TEXT_PP(0));
    int64 until = session_lock::unlock(token);
    explicit_bzero(token, strlen(token));
    PG_RETURN_TIMESTAMPTZ(to_timestamptz(until));
}

Datum redline_lock(PG_FUNCTION_ARGS)
{
    session_lock::lock();
    PG_RETURN_VOID();
}
