// The session's write lock and the checks that lift it. A token is verified once, when it
// is presented; afterwards each statement costs a comparison of its start time with the
// token's expiry.
#include "session_lock.hpp"
#include "audit_log.hpp"
#include "boundary.hpp"
#include "cluster_store.hpp"
#include "refusal_pg.hpp"
#include "session_role.hpp"
#include "settings.hpp"
#include "token_check.hpp"
#include "token_exposure.hpp"

extern "C" {
#include "access/xact.h"
#include "access/xlog.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/timestamp.h"
}

#include <cstdlib>
#include <cstring>
#include <ctime>

namespace redline::session_lock {

namespace {

char *pending_token = nullptr; // malloc'd, wiped before it is freed
bool banner_done = false;
int64 until = 0;
char key_id[64];
char methods[96];
int bootstrap_depth = 0;

// The backstop: which transaction redline made read-only, and what it was before.
LocalTransactionId forced_lxid = InvalidLocalTransactionId;
bool forced_saved = false;

void drop_pending()
{
    if (pending_token == nullptr)
        return;
    explicit_bzero(pending_token, strlen(pending_token));
    free(pending_token);
    pending_token = nullptr;
}

void undo_forced_read_only()
{
    if (forced_lxid != InvalidLocalTransactionId && forced_lxid == MyProc->lxid)
        XactReadOnly = forced_saved;
    forced_lxid = InvalidLocalTransactionId;
}

void banner()
{
    banner_done = true;
    if (settings::current_environment() != Environment::production || !subject())
        return;
    LockContext ctx = context();
    char until_text[40] = "";
    if (until != 0)
        token_check::format_time(until, until_text, sizeof until_text);
    bool is_locked = locked();
    bool gate = settings::require_token() == TokenRequirement::connect;
    auto *text = cpp_entry([&] {
        std::string line = session_banner(ctx, is_locked, gate, until_text);
        return pg_call([&] { return pnstrdup(line.data(), line.size()); });
    });
    ereport(NOTICE, (errmsg_internal("%s", text)));
    pfree(text);
}

} // namespace

bool statement_work_due = true; // the banner is due at the first statement
bool *audit_confirm_due = &audit::confirm_due;

// postgres --single is a person at a console: guarded like a connection (PostgreSQL 15
// leaves its backend type unset).
bool client_backend() { return MyBackendType == B_BACKEND || MyBackendType == B_WAL_SENDER || !IsUnderPostmaster; }

uint64 subject_generation = 0;
bool subject_verdict = false;

bool subject_slow()
{
    if (!IsTransactionState())
        return false; // exemption is looked up in the catalog; asked again inside one
    subject_verdict = settings::active() && client_backend() && settings::require_token() != TokenRequirement::none &&
                      !session_is_exempt();
    subject_generation = settings::policy_generation;
    return subject_verdict;
}

// An unlock ends at the token's expiry, also in the middle of a statement: each write, each
// statement of a procedure and each function about to run asks again (time() is a vDSO
// call, no system call).
bool locked_slow()
{
    if (bootstrap_depth > 0 || !subject())
        return false;
    return until == 0 || static_cast<int64>(time(nullptr)) >= until;
}

bool gated() { return settings::require_token() == TokenRequirement::connect && locked(); }

void on_statement_slow()
{
    if (!client_backend()) {
        statement_work_due = false;
        return;
    }
    // Waiting for deferred audit rows, unlocking (spends the token), the banner and the
    // connect row wait, write or print: none of that in parallel mode; the work stays due
    // for the session's next statement outside it.
    if (!IsTransactionState() || IsInParallelMode())
        return;
    if (audit::confirm_due)
        audit::confirm_deferred();
    if (settings::session_token_waiting) {
        drop_pending();
        pending_token = settings::take_session_token();
    }
    if (audit::session_start_due())
        audit::session_started();
    if (pending_token != nullptr) {
        // Taken out first: a refused token is not tried again at the next statement.
        char *volatile token = pending_token;
        pending_token = nullptr;
        PG_TRY();
        {
            (void)unlock(token);
        }
        PG_FINALLY();
        {
            explicit_bzero(token, strlen(token));
            free(token);
        }
        PG_END_TRY();
    }
    if (!banner_done)
        banner();
    // Still due when the token above was refused: the banner then shows next time.
    statement_work_due = pending_token != nullptr || !banner_done || audit::session_start_due();
}

int64 unlock(const char *token)
{
    LockContext ctx = context();
    char kid[64];
    cluster_store::Key key;
    bool have_key = token_check::read_kid(token, kid, sizeof kid) && cluster_store::find_key(kid, &key);
    token_check::KeyView view{key.role, key.paserk, key.revoked != 0};

    char cid[32];
    snprintf(cid, sizeof cid, UINT64_FORMAT, GetSystemIdentifier());
    int64 now = static_cast<int64>(time(nullptr));
    token_check::Expect expect{ctx.role,
                               environment_name(settings::current_environment()),
                               cid,
                               now,
                               settings::token_max_ttl,
                               settings::strong_auth_methods != nullptr ? settings::strong_auth_methods : ""};
    token_check::Verdict verdict;
    token_check::check(token, have_key ? &view : nullptr, expect, &verdict);
    if (!verdict.ok) {
        ereport(LOG, (errmsg("redline: session token of role \"%s\" refused: %s", ctx.role, verdict.reason)));
        // Shown, however mistyped, and not used: it can never unlock after this.
        token_exposure::refused(token);
        raise_refusal(cpp_entry([&] { return to_pg(refuse_token(verdict.reason, ctx)); }));
    }
    switch (cluster_store::spend(verdict.jti_digest, verdict.expires, now)) {
    case cluster_store::SpendResult::spent:
        break;
    case cluster_store::SpendResult::replayed:
        ereport(LOG, (errmsg("redline: session token of role \"%s\" refused: replayed", ctx.role)));
        raise_refusal(cpp_entry(
            [&] { return to_pg(refuse_token("it was already used (a token unlocks one session, once)", ctx)); }));
    case cluster_store::SpendResult::full:
        raise_refusal(cpp_entry([&] {
            return to_pg(refuse_token("the server holds too many unexpired spent tokens to remember another", ctx));
        }));
    }
    until = verdict.expires;
    strlcpy(key_id, kid, sizeof key_id);
    strlcpy(methods, verdict.amr, sizeof methods);
    undo_forced_read_only();
    ereport(LOG, (errmsg("redline: session of role \"%s\" unlocked by key %s (%s)", ctx.role, key_id, methods)));
    audit::unlocked(key_id, methods, until);
    return until;
}

void lock()
{
    until = 0;
    key_id[0] = '\0';
    methods[0] = '\0';
}

void force_read_only()
{
    if (forced_lxid == MyProc->lxid && XactReadOnly)
        return;
    if (forced_lxid != MyProc->lxid)
        forced_saved = XactReadOnly;
    forced_lxid = MyProc->lxid;
    XactReadOnly = true;
}

void enter_bootstrap() { bootstrap_depth++; }
void leave_bootstrap() { bootstrap_depth--; }
bool in_bootstrap() { return bootstrap_depth > 0; }

namespace {
bool extension_seen = true; // the last answer of context(): redline.unlock() exists here
} // namespace

LockContext context()
{
    bool in_xact = IsTransactionState();
    extension_seen = in_xact && OidIsValid(get_extension_oid("redline", true));
    return LockContext{login_role_name(), environment_name(settings::current_environment()), extension_seen,
                       in_xact ? exemption_withheld() : nullptr};
}

LockContext context_without_catalog()
{
    return LockContext{login_role_name(), environment_name(settings::current_environment()), extension_seen, nullptr};
}

int64 unlocked_until() { return until; }
const char *unlock_key_id() { return key_id; }
const char *unlock_methods() { return methods; }

} // namespace redline::session_lock
