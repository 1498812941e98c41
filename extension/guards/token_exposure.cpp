// Masking what the server is shown, and spending the tokens it was shown but that no
// statement used (token_exposure.hpp).
#include "token_exposure.hpp"
#include "cluster_store.hpp"
#include "redact.hpp"
#include "session_lock.hpp"
#include "settings.hpp"
#include "token_check.hpp"

extern "C" {
#include "access/parallel.h"
#include "access/xact.h"
#include "libpq/libpq-be.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
}

#include <climits>
#include <cstring>
#include <ctime>

namespace redline::token_exposure {

bool shown_any = false;

namespace {

// Tokens remembered at once; when more come before a safe point, the oldest is forgotten.
constexpr int max_seen = 16;

struct Seen {
    bool used;
    bool exact;     // written as minted: may be a presentation (an unlock, a prepared statement)
    bool presented; // held by redline.approval_token: the approval spends it
    bool ran;       // the statement it was seen in has started to run
    uint64 source;  // the client text it was seen in (text_id), 0 for none
    int offset;     // where in that text
    uint64 xact;    // the transaction (xact_count) it was seen in
    uint64 order;
    char text[TokenSighting::capacity];
};

Seen seen[max_seen];
int spendable = 0; // used and not presented
uint64 next_order = 1;

// The client statement analysed last while tokens were remembered, and where it sits in
// its text: a token of a later statement of the same text is not due before that one ran.
uint64 current_source = 0;
int current_location = 0;
int current_end = INT_MAX;

bool exit_registered = false;
uint64 xact_count = 0; // transactions this session ended

// The tokens one masking remembered, to be told afterwards where they were seen.
struct Batch {
    bool statement; // the sightings' offsets are positions in the client text
    int n;
    int slots[max_seen];
};

enum class Due { statement_start, statement_over, aborted, all };

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The sessions whose tokens are remembered: a client's (workers report to their leader).
bool remembers()
{
    return session_lock::client_backend() && !IsParallelWorker() && (IsUnderPostmaster || !IsPostmasterEnvironment);
}

// Identifies a client text once masked: FNV-1a of its first 64 kB and its length; never 0.
uint64 text_id(const char *text)
{
    if (text == nullptr)
        return 0;
    uint64 h = UINT64CONST(14695981039346656037);
    std::size_t n = 0;
    for (; text[n] != '\0'; ++n) {
        if (n < 65536) {
            h ^= static_cast<unsigned char>(text[n]);
            h *= UINT64CONST(1099511628211);
        }
    }
    h ^= n;
    h *= UINT64CONST(1099511628211);
    return h == 0 ? 1 : h;
}

void forget(Seen *e)
{
    if (e->used && !e->presented)
        spendable--;
    e->used = false;
    explicit_bzero(e->text, sizeof e->text);
}

// TokenSink: remembers a sighting in static storage. Safe in emit_log_hook.
void remember(const TokenSighting &s, void *context)
{
    auto *batch = static_cast<Batch *>(context);
    if (!s.complete || !remembers())
        return; // too long for any token (masked, nothing to spend), or not a client's
    int slot = -1;
    for (int i = 0; i < max_seen; i++) {
        Seen *e = &seen[i];
        if (e->used && std::strcmp(e->text, s.text) == 0) {
            e->exact = e->exact && s.exact;
            return;
        }
        if (!e->used && slot < 0)
            slot = i;
    }
    // All taken: the oldest is forgotten, a presented one last.
    if (slot < 0) {
        slot = 0;
        for (int j = 1; j < max_seen; j++) {
            const Seen &a = seen[j], &b = seen[slot];
            if (a.presented < b.presented || (a.presented == b.presented && a.order < b.order))
                slot = j;
        }
    }
    Seen *e = &seen[slot];
    forget(e);
    e->used = true;
    e->exact = s.exact;
    e->presented = false;
    e->ran = false;
    e->xact = xact_count;
    e->source = 0;
    e->offset = s.offset < static_cast<std::size_t>(INT_MAX) ? static_cast<int>(s.offset) : INT_MAX;
    e->order = next_order++;
    std::memcpy(e->text, s.text, s.length + 1);
    spendable++;
    shown_any = true;
    if (batch->n < max_seen)
        batch->slots[batch->n++] = slot;
}

// Tells the tokens of a batch which client text they were seen in. A token seen in a log
// record (not in the text itself) belongs to the statement running then, which has run.
void settle(const Batch &batch, uint64 source)
{
    for (int i = 0; i < batch.n; i++) {
        Seen *e = &seen[batch.slots[i]];
        e->source = source;
        if (batch.statement)
            continue;
        e->offset = source == current_source ? current_location : 0;
        e->ran = true;
    }
}

bool mask(char *text, Batch *batch = nullptr)
{
    return mask_tokens(text, batch != nullptr ? remember : nullptr, batch);
}

// pg_stat_activity shows this backend's copy of the statement, taken before any hook ran:
// it is masked in place, from `masked` (the same text, masked) when it is a copy of it.
void mask_activity(const char *masked, Batch *batch)
{
    volatile PgBackendStatus *be = MyBEEntry;
    if (be == nullptr || !pgstat_track_activities)
        return;
    char *raw = be->st_activity_raw;
    std::size_t n = std::strlen(raw);
    bool copy = false;
    if (masked != nullptr) {
        bool compatible = true;
        for (std::size_t i = 0; i < n && compatible; i++) {
            if (masked[i] == '\0' || (raw[i] != masked[i] && masked[i] != 'x'))
                compatible = false;
            else if (raw[i] != masked[i])
                copy = true;
        }
        copy = copy && compatible;
    }
    if (!copy && !has_token(raw))
        return;
    PGSTAT_BEGIN_WRITE_ACTIVITY(be);
    if (copy)
        std::memcpy(raw, masked, n);
    (void)mask(raw, batch);
    PGSTAT_END_WRITE_ACTIVITY(be);
}

// Records `text` (a token as TokenSighting spells it) as spent, when an enrolled key
// signed it and it has not expired.
void spend_one(const char *text)
{
    char kid[64];
    cluster_store::Key key;
    if (!token_check::read_kid(text, kid, sizeof kid) || !cluster_store::find_key(kid, &key))
        return;
    token_check::ShownToken shown;
    token_check::shown_token(text, token_check::KeyView{key.role, key.paserk, key.revoked != 0}, &shown);
    int64 now = static_cast<int64>(time(nullptr));
    if (!shown.ok || shown.expires <= now)
        return;
    switch (cluster_store::spend(shown.jti_digest, shown.expires, now)) {
    case cluster_store::SpendResult::spent:
        ereport(LOG, (errmsg("redline: a token of key %s (role \"%s\") was shown to the server but not used; it is "
                             "spent and can no longer be used",
                             kid, key.role)));
        break;
    case cluster_store::SpendResult::replayed:
        break;
    case cluster_store::SpendResult::full:
        ereport(WARNING, (errmsg("redline: a token of key %s was shown to the server but not used, and the server "
                                 "holds too many unexpired spent tokens to record it as spent",
                                 kid)));
        break;
    }
}

// Whether `text` is one of the tokens redline.approval_token holds, exactly as written.
bool held_for_approval(const char *text)
{
    const char *p = settings::presented_approval_tokens;
    if (p == nullptr)
        return false;
    std::size_t length = std::strlen(text);
    while (*p != '\0') {
        while (*p == ',' || is_blank(*p))
            ++p;
        const char *end = p;
        while (*end != '\0' && *end != ',')
            ++end;
        const char *last = end;
        while (last > p && is_blank(last[-1]))
            --last;
        if (static_cast<std::size_t>(last - p) == length && std::strncmp(p, text, length) == 0)
            return true;
        p = end;
    }
    return false;
}

// A token is due once the statement that showed it is over. One written exactly as minted
// may wait in a prepared statement (a protocol-level Parse, PREPARE) that runs later: it is
// due once that statement ran, or if its transaction failed before it could.
bool is_due(const Seen &e, Due due)
{
    if (due == Due::all)
        return true;
    bool waits = e.exact && !e.ran;
    if (due == Due::aborted)
        return !waits || e.xact == xact_count;
    if (waits)
        return false;
    bool earlier_text = e.source != current_source;
    if (due == Due::statement_start)
        return earlier_text || e.offset < current_location;
    return earlier_text || e.offset < current_end;
}

// Spends the remembered tokens that are due: those of earlier statements at a statement's
// start, those of this statement too once it is over, all when the session ends.
void spend(Due due)
{
    if (spendable == 0)
        return;
    for (int i = 0; i < max_seen; i++) {
        Seen *e = &seen[i];
        if (e->used && !e->presented && e->exact && held_for_approval(e->text)) {
            // Presented for approval, not merely shown: the approval that uses it spends
            // it, and it may be presented again until then (SET LOCAL ends with its
            // transaction).
            e->presented = true;
            spendable--;
        }
        if (!e->used || e->presented || !is_due(*e, due))
            continue;
        // Taken out first: a failure to spend it is never retried in a loop.
        char text[TokenSighting::capacity];
        std::memcpy(text, e->text, sizeof text);
        forget(e);
        spend_one(text);
        explicit_bzero(text, sizeof text);
    }
}

void session_ending(int, Datum)
{
    // A token given at connect that no statement ever checked.
    if (settings::session_token_waiting) {
        char *unchecked = settings::take_session_token();
        if (unchecked != nullptr) {
            refused(unchecked);
            explicit_bzero(unchecked, std::strlen(unchecked));
            free(unchecked);
        }
    }
    spend(Due::all);
}

void on_xact(XactEvent event, void *)
{
    if (!remembers())
        return;
    if (!exit_registered && !proc_exit_inprogress) {
        before_shmem_exit(session_ending, (Datum)0);
        exit_registered = true;
    }
    switch (event) {
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PRE_PREPARE:
        spend(Due::statement_over);
        break;
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PREPARE:
        xact_count++;
        break;
    case XACT_EVENT_ABORT: {
        // A statement that failed before it was parsed, when no log record showed it.
        Batch batch{false, 0, {}};
        mask_activity(nullptr, &batch);
        settle(batch, 0);
        if (!proc_exit_inprogress)
            spend(Due::aborted);
        xact_count++;
        break;
    }
    default:
        break;
    }
}

// Collects sightings for refused(): palloc'd, a handful.
struct Collected {
    int n;
    char text[4][TokenSighting::capacity];
};

void collect(const TokenSighting &s, void *context)
{
    auto *out = static_cast<Collected *>(context);
    if (s.complete && out->n < 4)
        std::memcpy(out->text[out->n++], s.text, s.length + 1);
}

} // namespace

void install() { RegisterXactCallback(on_xact, nullptr); }

void statement_analyzed(const char *source, int location, int length)
{
    if (source == nullptr || source != debug_query_string)
        return;
    char *text = const_cast<char *>(source);
    Batch batch{true, 0, {}};
    if (mask(text, &batch)) {
        shown_any = true;
        mask_activity(text, nullptr);
    }
    if (spendable == 0)
        return;
    current_source = text_id(text);
    current_location = location > 0 ? location : 0;
    current_end = length > 0 ? current_location + length : INT_MAX;
    settle(batch, current_source);
}

void statement_started(const char *source)
{
    if (spendable == 0 || source == nullptr || source != debug_query_string || !remembers())
        return;
    spend(Due::statement_start);
}

void statement_executing(const char *source, bool runs)
{
    if (source == nullptr || source != debug_query_string)
        return;
    char *text = const_cast<char *>(source);
    Batch batch{true, 0, {}};
    if (mask(text, &batch))
        settle(batch, text_id(text));
    mask_activity(text, nullptr);
    if (spendable == 0 || !runs)
        return;
    // The tokens of this statement (of its text, up to its end) now ran.
    uint64 id = text_id(text);
    for (Seen &e : seen)
        if (e.used && e.source == id && (id != current_source || e.offset < current_end))
            e.ran = true;
}

void log_record(ErrorData *edata)
{
    // The statement first: the STATEMENT line and pg_stat_activity of a statement that
    // failed before it was parsed read it.
    if (debug_query_string != nullptr) {
        char *text = const_cast<char *>(debug_query_string);
        Batch batch{true, 0, {}};
        if (mask(text, &batch)) {
            shown_any = true;
            mask_activity(text, nullptr);
            settle(batch, text_id(text));
        }
    }
    Batch batch{false, 0, {}};
    (void)mask(edata->message, &batch);
    (void)mask(edata->detail, &batch);
    (void)mask(edata->detail_log, &batch);
    (void)mask(edata->hint, &batch);
    (void)mask(edata->context, &batch);
    (void)mask(edata->internalquery, &batch);
    if (batch.n > 0)
        settle(batch, text_id(debug_query_string));
    // A token typed as a user or database name: log_line_prefix prints them.
    if (MyProcPort != nullptr) {
        (void)mask(MyProcPort->user_name);
        (void)mask(MyProcPort->database_name);
    }
}

void refused(const char *token)
{
    if (token == nullptr || !remembers())
        return;
    char *copy = pstrdup(token);
    auto *found = static_cast<Collected *>(palloc0(sizeof(Collected)));
    (void)mask_tokens(copy, collect, found);
    explicit_bzero(copy, strlen(copy));
    pfree(copy);
    for (int i = 0; i < found->n; i++)
        spend_one(found->text[i]);
    explicit_bzero(found, sizeof *found);
    pfree(found);
}

} // namespace redline::token_exposure
