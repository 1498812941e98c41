// fmgr_hook: PostgreSQL calls it for functions with a SET clause (and SECURITY DEFINER ones)
// once the clause has taken effect, so a policy setting changed by a function is recorded.
#include "hooks.hpp"
#include "policy_watch.hpp"

extern "C" {
#include "postgres.h"
#include "fmgr.h"
}

namespace redline {

void redline_fmgr(FmgrHookEventType event, FmgrInfo *flinfo, Datum *private_data)
{
    if (prev_fmgr != nullptr)
        prev_fmgr(event, flinfo, private_data);
    if (event == FHET_START)
        policy_watch::function_settings_applied(flinfo->fn_oid);
}

} // namespace redline
