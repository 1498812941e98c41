// Reads every redline.* setting of this session as SHOW shows it, with where its value came
// from. PostgreSQL's table of settings changed shape in 16; the difference stays here.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace redline {

struct SettingSeen {
    const char *name;  // "redline.max_rows"
    const char *value; // palloc'd, as SHOW prints it
    bool by_session;   // SET, set_config(), a function's SET clause (not a file, role or default)
};

// Calls `seen` for each redline.* setting, in PostgreSQL's order (stable within a session).
void walk_redline_settings(void (*seen)(const SettingSeen &setting, void *arg), void *arg);

} // namespace redline
