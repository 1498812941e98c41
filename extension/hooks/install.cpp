// Every hook redline installs, in one block. Each previous hook is seeded with PostgreSQL's
// standard function where there is one, so the hooks chain without a branch; the others are
// called when set. Shared memory and the authentication hook call the modules that need
// them, in one place, after the hook before redline's.
#include "audit_log.hpp"
#include "audit_queue.hpp"
#include "cluster_store.hpp"
#include "hooks.hpp"
#include "session_origin.hpp"

extern "C" {
#include "libpq/auth.h"
#include "storage/ipc.h"
}

namespace redline {

post_parse_analyze_hook_type prev_post_parse_analyze = nullptr;
planner_hook_type prev_planner = standard_planner;
ExecutorStart_hook_type prev_executor_start = standard_ExecutorStart;
ExecutorRun_hook_type prev_executor_run = standard_ExecutorRun;
ExecutorFinish_hook_type prev_executor_finish = standard_ExecutorFinish;
ProcessUtility_hook_type prev_process_utility = standard_ProcessUtility;
object_access_hook_type prev_object_access = nullptr;
fmgr_hook_type prev_fmgr = nullptr;
emit_log_hook_type prev_emit_log = nullptr;

namespace {

shmem_request_hook_type prev_shmem_request = nullptr;
shmem_startup_hook_type prev_shmem_startup = nullptr;
ClientAuthentication_hook_type prev_client_auth = nullptr;

void redline_shmem_request()
{
    if (prev_shmem_request != nullptr)
        prev_shmem_request();
    cluster_store::request_shmem();
    audit_queue::request_shmem();
    session_origin::request_shmem();
}

void redline_shmem_startup()
{
    if (prev_shmem_startup != nullptr)
        prev_shmem_startup();
    cluster_store::startup_shmem();
    audit_queue::startup_shmem();
    session_origin::startup_shmem();
}

void redline_client_auth(Port *port, int status)
{
    if (prev_client_auth != nullptr)
        prev_client_auth(port, status);
    audit::on_authentication(port, status);
    session_origin::on_authentication(port, status);
}

template <typename Hook>
void seed(Hook &prev, Hook current)
{
    if (current != nullptr)
        prev = current;
}

} // namespace

void install_hooks()
{
    prev_shmem_request = shmem_request_hook;
    shmem_request_hook = redline_shmem_request;
    prev_shmem_startup = shmem_startup_hook;
    shmem_startup_hook = redline_shmem_startup;
    prev_client_auth = ClientAuthentication_hook;
    ClientAuthentication_hook = redline_client_auth;

    prev_post_parse_analyze = post_parse_analyze_hook;
    post_parse_analyze_hook = redline_post_parse_analyze;
    seed(prev_planner, planner_hook);
    planner_hook = redline_planner;
    seed(prev_executor_start, ExecutorStart_hook);
    ExecutorStart_hook = redline_executor_start;
    seed(prev_executor_run, ExecutorRun_hook);
    ExecutorRun_hook = redline_executor_run;
    seed(prev_executor_finish, ExecutorFinish_hook);
    ExecutorFinish_hook = redline_executor_finish;
    seed(prev_process_utility, ProcessUtility_hook);
    ProcessUtility_hook = redline_process_utility;
    prev_object_access = object_access_hook;
    object_access_hook = redline_object_access;
    prev_fmgr = fmgr_hook;
    fmgr_hook = redline_fmgr;
    prev_emit_log = emit_log_hook;
    emit_log_hook = redline_emit_log;
}

} // namespace redline
