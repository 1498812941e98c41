// ExecutorStart/ExecutorFinish hooks: the row budget counts what a statement changed
// after it ran completely and before its transaction can commit.
#include "hooks.hpp"
#include "row_budget.hpp"
#include "settings.hpp"

extern "C" {
#include "executor/executor.h"
}

namespace redline {

namespace {

ExecutorStart_hook_type prev_executor_start = nullptr;
ExecutorFinish_hook_type prev_executor_finish = nullptr;

void redline_executor_start(QueryDesc *qd, int eflags)
{
    if (prev_executor_start != nullptr)
        prev_executor_start(qd, eflags);
    else
        standard_ExecutorStart(qd, eflags);
    if ((qd->operation != CMD_SELECT || qd->plannedstmt->hasModifyingCTE) && settings::active())
        row_budget::on_start(qd, eflags);
}

void redline_executor_finish(QueryDesc *qd)
{
    if (prev_executor_finish != nullptr)
        prev_executor_finish(qd);
    else
        standard_ExecutorFinish(qd);
    if ((qd->operation != CMD_SELECT || qd->plannedstmt->hasModifyingCTE) && settings::active())
        row_budget::on_finish(qd);
}

} // namespace

void install_executor_hooks()
{
    prev_executor_start = ExecutorStart_hook;
    ExecutorStart_hook = redline_executor_start;
    prev_executor_finish = ExecutorFinish_hook;
    ExecutorFinish_hook = redline_executor_finish;
}

} // namespace redline
