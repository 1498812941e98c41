// Masking what the server is shown (token_exposure.hpp).
#include "token_exposure.hpp"
#include "redact.hpp"

extern "C" {
#include "access/xact.h"
#include "libpq/libpq-be.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
}

#include <cstring>

namespace redline::token_exposure {

bool shown_any = false;

namespace {

bool mask(char *text) { return mask_tokens(text); }

// pg_stat_activity shows this backend's copy of the statement, taken before any hook ran:
// it is masked in place, from `masked` (the same text, masked) when it is a copy of it.
void mask_activity(const char *masked)
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
    (void)mask(raw);
    PGSTAT_END_WRITE_ACTIVITY(be);
}

void on_xact(XactEvent event, void *)
{
    // A statement that failed before it was parsed, when no log record showed it.
    if (event == XACT_EVENT_ABORT)
        mask_activity(nullptr);
}

} // namespace

void install() { RegisterXactCallback(on_xact, nullptr); }

void statement_analyzed(const char *source, int, int)
{
    if (source == nullptr || source != debug_query_string)
        return;
    char *text = const_cast<char *>(source);
    if (mask(text)) {
        shown_any = true;
        mask_activity(text);
    }
}

void statement_executing(const char *source)
{
    if (source == nullptr || source != debug_query_string)
        return;
    char *text = const_cast<char *>(source);
    (void)mask(text);
    mask_activity(text);
}

void log_record(ErrorData *edata)
{
    // The statement first: the STATEMENT line and pg_stat_activity of a statement that
    // failed before it was parsed read it.
    if (debug_query_string != nullptr) {
        char *text = const_cast<char *>(debug_query_string);
        if (mask(text)) {
            shown_any = true;
            mask_activity(text);
        }
    }
    (void)mask(edata->message);
    (void)mask(edata->detail);
    (void)mask(edata->detail_log);
    (void)mask(edata->hint);
    (void)mask(edata->context);
    (void)mask(edata->internalquery);
    // A token typed as a user or database name: log_line_prefix prints them.
    if (MyProcPort != nullptr) {
        (void)mask(MyProcPort->user_name);
        (void)mask(MyProcPort->database_name);
    }
}

} // namespace redline::token_exposure
