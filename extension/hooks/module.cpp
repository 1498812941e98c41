// The extension's entry point: refuses to load unless preloaded (the guards must cover
// every session from its first statement), defines the settings, installs the hooks.
#include "approvals.hpp"
#include "audit_log.hpp"
#include "audit_queue.hpp"
#include "audit_worker.hpp"
#include "cluster_store.hpp"
#include "guard_lock.hpp"
#include "hooks.hpp"
#include "session_origin.hpp"
#include "settings.hpp"
#include "statement_depth.hpp"
#include "token_exposure.hpp"

extern "C" {
#include "fmgr.h"
#include "miscadmin.h"

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
}

void _PG_init(void)
{
    if (!process_shared_preload_libraries_in_progress)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("redline must be loaded through shared_preload_libraries"),
                        errdetail("Loaded later, it could not guard the sessions that started before it."),
                        errhint("Add redline to shared_preload_libraries in postgresql.conf and restart the server.")));

    redline::settings::define();
    redline::install_statement_depth();
    redline::install_analyze_hook();
    redline::install_planner_hook();
    redline::install_executor_hooks();
    redline::install_utility_hook();
    redline::install_access_hooks();
    redline::install_fmgr_hook();
    redline::guard_lock::install();
    redline::install_log_hook();
    redline::token_exposure::install();
    redline::cluster_store::install();
    redline::approvals::install();
    redline::audit_queue::install();
    redline::audit::install();
    redline::session_origin::install();
    redline::audit_worker::register_launcher();
}
