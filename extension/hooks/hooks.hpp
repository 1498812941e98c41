// Installation of redline's server hooks. Each hook is thin: it chains to the previous
// hook (or the standard function) on every path and asks the guards for a verdict.
#pragma once

namespace redline {

void install_analyze_hook();
void install_planner_hook();
void install_executor_hooks();
void install_utility_hook();
void install_access_hooks(); // object access (function execution) and log redaction

// True while an EXPLAIN without ANALYZE is running: its plan is shown, never executed.
bool in_plain_explain();

// Fires the fault redline.debug_fault asks for (tests of the C++ boundary).
void inject_fault();

} // namespace redline
