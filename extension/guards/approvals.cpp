// Approvals of protected operations: what a statement destroys, and the tokens that allow it.
#include "approvals.hpp"
#include "audit_log.hpp"
#include "audit_table.hpp"
#include "boundary.hpp"
#include "cluster_store.hpp"
#include "protected_ops.hpp"
#include "refusal_pg.hpp"
#include "session_lock.hpp"
#include "session_role.hpp"
#include "settings.hpp"
#include "token_check.hpp"

extern "C" {
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/partition.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_database.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
}

#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace redline::approvals {

namespace {

struct Need {
    unsigned op;
    char obj[3 * NAMEDATALEN + 8];
    Oid relid;  // tables: the relation, to recognise partitions of a parent dropped with it
    Oid parent; // tables: the partition's parent, InvalidOid otherwise
};

constexpr int max_needs = 64;
Need needs[max_needs];
int nneeds = 0;
int overflow = 0;
Oid settled_extension = InvalidOid;
Oid settled_audit = InvalidOid;

unsigned enabled_ops()
{
    if (!settings::active() || !session_lock::client_backend() || session_lock::in_bootstrap())
        return 0;
    return settings::protected_ops();
}

void add(unsigned op, const ObjectAddress &address, Oid relid, Oid parent)
{
    for (int i = 0; i < nneeds; i++)
        if (needs[i].op == op && needs[i].relid == relid && relid != InvalidOid)
            return;
    if (nneeds >= max_needs) {
        overflow++;
        return;
    }
    Need *need = &needs[nneeds++];
    need->op = op;
    char *identity = getObjectIdentity(&address, true);
    strlcpy(need->obj, identity != nullptr ? identity : "?", sizeof need->obj);
    need->relid = relid;
    need->parent = parent;
}

void note_relation(unsigned op, Oid relid, int sub_id)
{
    char relkind = get_rel_relkind(relid);
    if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
        return;
    bool table = relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE;
    if (op == op_truncate)
        table = table || relkind == RELKIND_FOREIGN_TABLE;
    if (!table)
        return;
    ObjectAddress address;
    ObjectAddressSubSet(address, RelationRelationId, relid, sub_id);
    Oid parent = get_rel_relispartition(relid) ? get_partition_parent(relid, true) : InvalidOid;
    add(op, address, sub_id == 0 ? relid : InvalidOid, parent);
}

// A partition destroyed because its parent is (DROP or TRUNCATE of a partitioned table)
// is covered by the parent's approval.
bool covered_by_parent(const Need &need)
{
    if (need.parent == InvalidOid)
        return false;
    for (int i = 0; i < nneeds; i++)
        if (needs[i].op == need.op && needs[i].relid == need.parent)
            return true;
    return false;
}

void forget() { nneeds = overflow = 0; }

void on_xact(XactEvent event, void *)
{
    if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
        forget();
}

void on_subxact(SubXactEvent event, SubTransactionId, SubTransactionId, void *)
{
    if (event == SUBXACT_EVENT_ABORT_SUB)
        forget();
}

struct Approved {
    unsigned char digest[16];
    int64 expires;
    char kid[64];
    char approver[NAMEDATALEN];
};

// The presented tokens, split; empty entries dropped.
std::vector<std::string> presented_tokens()
{
    std::vector<std::string> out;
    const char *presented = settings::presented_approval_tokens;
    if (presented == nullptr)
        return out;
    std::string all = presented;
    std::size_t start = 0;
    while (start <= all.size()) {
        std::size_t comma = all.find(',', start);
        std::string item = all.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        while (!item.empty() && item.front() == ' ')
            item.erase(0, 1);
        while (!item.empty() && item.back() == ' ')
            item.pop_back();
        if (!item.empty())
            out.push_back(item);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

// Checks `token` as an approval of `need`; fills `approved` or `problem`. Calls into
// PostgreSQL (shared memory, catalog) only through pg_call.
bool try_token(const std::string &token, const Need &need, const char *role, Approved *approved, std::string *problem,
               bool *other_operation)
{
    char kid[64];
    cluster_store::Key key;
    bool have_key = token_check::read_kid(token.c_str(), kid, sizeof kid) &&
                    pg_call([&] { return cluster_store::find_key(kid, &key); });
    token_check::KeyView view{key.role, key.paserk, key.revoked != 0};
    char cid[32];
    snprintf(cid, sizeof cid, UINT64_FORMAT, pg_call([] { return GetSystemIdentifier(); }));
    token_check::Expect expect{role,
                               environment_name(settings::current_environment()),
                               cid,
                               static_cast<std::int64_t>(time(nullptr)),
                               settings::token_max_ttl,
                               settings::strong_auth_methods != nullptr ? settings::strong_auth_methods : "",
                               protected_op_name(static_cast<ProtectedOp>(need.op)),
                               need.obj};
    token_check::Verdict verdict;
    token_check::check(token.c_str(), have_key ? &view : nullptr, expect, &verdict);
    if (!verdict.ok) {
        *other_operation = verdict.other_operation;
        *problem = verdict.reason;
        return false;
    }
    bool approver = pg_call([&] {
        Oid approver_role = get_role_oid("redline_approver", true);
        Oid signer = get_role_oid(key.role, true);
        return OidIsValid(approver_role) && OidIsValid(signer) && is_member_of_role(signer, approver_role);
    });
    if (!approver) {
        *problem =
            std::string("its key belongs to role \"") + key.role + "\", which is not a member of redline_approver";
        return false;
    }
    std::memcpy(approved->digest, verdict.jti_digest, 16);
    approved->expires = verdict.expires;
    strlcpy(approved->kid, kid, sizeof approved->kid);
    strlcpy(approved->approver, key.role, sizeof approved->approver);
    return true;
}

// Decides every need; returns the refusal (palloc'd) or null when all are approved, with
// `approved` filled in need order (entries of covered partitions left zero).
PgRefusal *decide(const char *statement, const char *role, Approved *approved)
{
    return cpp_entry([&]() -> PgRefusal * {
        std::vector<std::string> tokens = presented_tokens();
        std::vector<NeededApproval> missing;
        for (int i = 0; i < nneeds; i++) {
            if (covered_by_parent(needs[i]))
                continue;
            std::string problem;
            bool ok = false;
            for (const auto &token : tokens) {
                std::string why;
                bool other = false;
                if (try_token(token, needs[i], role, &approved[i], &why, &other)) {
                    ok = true;
                    break;
                }
                if (!other)
                    problem = why;
            }
            if (!ok)
                missing.push_back(
                    NeededApproval{protected_op_name(static_cast<ProtectedOp>(needs[i].op)), needs[i].obj, problem});
        }
        if (overflow > 0)
            missing.push_back(NeededApproval{"more", std::to_string(overflow) + " more objects", ""});
        if (missing.empty())
            return nullptr;
        return to_pg(refuse_unapproved(statement, role, missing));
    });
}

} // namespace

void install()
{
    RegisterXactCallback(on_xact, nullptr);
    RegisterSubXactCallback(on_subxact, nullptr);
}

void note_access(ObjectAccessType access, Oid class_id, Oid object_id, int sub_id, void *arg)
{
    // Approved before the statement ran (check_drop_extension).
    if (access == OAT_DROP && ((class_id == ExtensionRelationId && object_id == settled_extension) ||
                               (class_id == RelationRelationId && sub_id == 0 && object_id == settled_audit)))
        return;
    // Removing the audit log is always a protected operation, however redline.protected
    // is set (rule 8): it goes only with a second person's approval.
    if (access == OAT_DROP && class_id == RelationRelationId && sub_id == 0 && settings::active() &&
        session_lock::client_backend() && !session_lock::in_bootstrap() && object_id == audit_table::oid()) {
        note_relation(op_drop_table, object_id, 0);
        return;
    }
    unsigned ops = enabled_ops();
    if (ops == 0)
        return;
    if (access == OAT_TRUNCATE) {
        if (ops & op_truncate)
            note_relation(op_truncate, object_id, 0);
        return;
    }
    if (access != OAT_DROP)
        return;
    auto *drop = static_cast<ObjectAccessDrop *>(arg);
    if (drop != nullptr && (drop->dropflags & PERFORM_DELETION_INTERNAL) != 0)
        return;
    ObjectAddress address;
    switch (class_id) {
    case RelationRelationId:
        if (sub_id == 0 && (ops & op_drop_table))
            note_relation(op_drop_table, object_id, 0);
        else if (sub_id > 0 && (ops & op_drop_column))
            note_relation(op_drop_column, object_id, sub_id);
        break;
    case NamespaceRelationId:
        if ((ops & op_drop_schema) && !isAnyTempNamespace(object_id)) {
            ObjectAddressSet(address, NamespaceRelationId, object_id);
            add(op_drop_schema, address, InvalidOid, InvalidOid);
        }
        break;
    case ExtensionRelationId:
        if (ops & op_drop_extension) {
            ObjectAddressSet(address, ExtensionRelationId, object_id);
            add(op_drop_extension, address, InvalidOid, InvalidOid);
        }
        break;
    case AuthIdRelationId:
        if (ops & op_drop_role) {
            ObjectAddressSet(address, AuthIdRelationId, object_id);
            add(op_drop_role, address, InvalidOid, InvalidOid);
        }
        break;
    case DatabaseRelationId:
        // Dropping a database cannot be rolled back: decided now, before it happens.
        if (ops & op_drop_database) {
            ObjectAddressSet(address, DatabaseRelationId, object_id);
            add(op_drop_database, address, InvalidOid, InvalidOid);
            settle("DROP DATABASE");
        }
        break;
    default:
        break;
    }
}

void begin_statement()
{
    forget();
    settled_extension = settled_audit = InvalidOid;
}

void note_table(unsigned op, Oid relid)
{
    if ((enabled_ops() & op) != 0)
        note_relation(op, relid, 0);
}

void settle(const char *statement)
{
    PgRefusal *refusal = settle_verdict(statement);
    if (refusal != nullptr)
        raise_refusal(refusal);
}

PgRefusal *settle_verdict(const char *statement)
{
    if (nneeds == 0 && overflow == 0)
        return nullptr;
    const char *role = login_role_name();
    auto *approved = static_cast<Approved *>(palloc0(sizeof(Approved) * max_needs));
    PgRefusal *refusal = decide(statement, role, approved);
    if (refusal != nullptr) {
        forget();
        return refusal;
    }
    // Every object is approved: spend the tokens, durably, before the statement ends.
    int64 now = static_cast<int64>(time(nullptr));
    for (int i = 0; i < nneeds; i++) {
        if (approved[i].expires == 0)
            continue;
        if (cluster_store::spend(approved[i].digest, approved[i].expires, now) != cluster_store::SpendResult::spent) {
            // Built inside the C++ region: nothing with a destructor outlives it.
            PgRefusal *refusal = cpp_entry([&] {
                NeededApproval n{protected_op_name(static_cast<ProtectedOp>(needs[i].op)), needs[i].obj,
                                 "it was already used (an approval is accepted once)"};
                return to_pg(refuse_unapproved(statement, role, {n}));
            });
            forget();
            return refusal;
        }
        ereport(LOG, (errmsg("redline: %s of %s by \"%s\" approved by key %s of \"%s\"",
                             protected_op_name(static_cast<ProtectedOp>(needs[i].op)), needs[i].obj, role,
                             approved[i].kid, approved[i].approver)));
        audit::approval_used(protected_op_name(static_cast<ProtectedOp>(needs[i].op)), needs[i].obj, approved[i].kid,
                             approved[i].approver);
    }
    forget();
    pfree(approved);
    return nullptr;
}

PgRefusal *require_rewrite(Oid relid, const char *statement, const char *lock, bool rewrites, int64 size_bytes,
                           double est_seconds, int cause)
{
    Need need{};
    need.op = op_rewrite;
    ObjectAddress address;
    ObjectAddressSet(address, RelationRelationId, relid);
    char *identity = getObjectIdentity(&address, true);
    strlcpy(need.obj, identity != nullptr ? identity : "?", sizeof need.obj);
    need.relid = relid;
    const char *role = login_role_name();
    Approved approved{};
    int64 limit_bytes = static_cast<int64>(settings::max_rewrite_size_kb()) * 1024;
    PgRefusal *refusal = cpp_entry([&]() -> PgRefusal * {
        std::string problem;
        for (const auto &token : presented_tokens()) {
            std::string why;
            bool other = false;
            if (try_token(token, need, role, &approved, &why, &other))
                return nullptr;
            if (!other)
                problem = why;
        }
        return to_pg(refuse_large_ddl(
            LargeDdl{statement, need.obj, lock, rewrites, size_bytes, est_seconds, cause, limit_bytes}, role, problem));
    });
    if (refusal != nullptr)
        return refusal;
    if (cluster_store::spend(approved.digest, approved.expires, static_cast<int64>(time(nullptr))) !=
        cluster_store::SpendResult::spent)
        return cpp_entry([&] {
            return to_pg(refuse_large_ddl(
                LargeDdl{statement, need.obj, lock, rewrites, size_bytes, est_seconds, cause, limit_bytes}, role,
                "it was already used (an approval is accepted once)"));
        });
    ereport(LOG, (errmsg("redline: rewrite of %s by \"%s\" approved by key %s of \"%s\"", need.obj, role, approved.kid,
                         approved.approver)));
    audit::approval_used("rewrite", need.obj, approved.kid, approved.approver);
    return nullptr;
}

Verdict check_alter_system(const StatementFacts &f)
{
    unsigned ops = enabled_ops();
    if (f.tag != T_AlterSystemStmt || (ops & op_alter_system) == 0)
        return Verdict::allow();
    auto *stmt = castNode(AlterSystemStmt, f.stmt);
    const char *name = stmt->setstmt->name != nullptr ? stmt->setstmt->name : "all";
    if (nneeds >= max_needs)
        return Verdict::allow();
    Need *need = &needs[nneeds++];
    need->op = op_alter_system;
    strlcpy(need->obj, name, sizeof need->obj);
    for (char *p = need->obj; *p != '\0'; ++p)
        *p = static_cast<char>(pg_tolower(static_cast<unsigned char>(*p)));
    need->relid = InvalidOid;
    need->parent = InvalidOid;
    PgRefusal *refusal = settle_verdict("ALTER SYSTEM");
    return refusal != nullptr ? Verdict::refuse(refusal) : Verdict::allow();
}

// DROP EXTENSION redline removes the audit log: decided before anything is dropped, so the
// refusal's audit row is not held up by the lock the drop would take on the table.
Verdict check_drop_extension(const StatementFacts &f)
{
    if (f.tag != T_DropStmt)
        return Verdict::allow();
    auto *stmt = castNode(DropStmt, f.stmt);
    if (stmt->removeType != OBJECT_EXTENSION || !settings::active() || !session_lock::client_backend() ||
        session_lock::in_bootstrap())
        return Verdict::allow();
    ListCell *lc;
    foreach (lc, stmt->objects) {
        Node *name = static_cast<Node *>(lfirst(lc));
        if (!IsA(name, String) || strcmp(strVal(name), "redline") != 0)
            continue;
        Oid audit = audit_table::oid();
        Oid extension = get_extension_oid("redline", true);
        if (!OidIsValid(audit) || !OidIsValid(extension))
            return Verdict::allow();
        note_relation(op_drop_table, audit, 0);
        if (enabled_ops() & op_drop_extension) {
            ObjectAddress address;
            ObjectAddressSet(address, ExtensionRelationId, extension);
            add(op_drop_extension, address, InvalidOid, InvalidOid);
        }
        PgRefusal *refusal = settle_verdict("DROP EXTENSION");
        if (refusal != nullptr)
            return Verdict::refuse(refusal);
        settled_extension = extension;
        settled_audit = audit;
    }
    return Verdict::allow();
}

} // namespace redline::approvals
