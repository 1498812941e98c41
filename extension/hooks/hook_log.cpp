// emit_log_hook: redline's only one. A record is masked before anything else sees it — the
// failed-login audit, the log hooks of libraries loaded before redline, the server log and
// the client — and nothing here does I/O, allocates or waits.
#include "audit_log.hpp"
#include "hooks.hpp"
#include "token_exposure.hpp"

extern "C" {
#include "postgres.h"
#include "utils/elog.h"
}

namespace redline {

namespace {

emit_log_hook_type prev_emit_log = nullptr;

void redline_emit_log(ErrorData *edata)
{
    token_exposure::log_record(edata);
    audit::log_emitted(edata);
    if (prev_emit_log != nullptr)
        prev_emit_log(edata);
}

} // namespace

void install_log_hook()
{
    prev_emit_log = emit_log_hook;
    emit_log_hook = redline_emit_log;
}

} // namespace redline
