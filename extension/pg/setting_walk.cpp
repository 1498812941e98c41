// walk_redline_settings(): PostgreSQL's table of settings, read through the API each
// supported version offers.
#include "setting_walk.hpp"

extern "C" {
#include "utils/guc.h"
#include "utils/guc_tables.h"
}

#include <cstring>

namespace redline {

void walk_redline_settings(void (*seen)(const SettingSeen &setting, void *arg), void *arg)
{
#if PG_VERSION_NUM >= 160000
    int count = 0;
    struct config_generic **all = get_guc_variables(&count);
#else
    struct config_generic **all = get_guc_variables();
    int count = GetNumConfigOptions();
#endif
    for (int i = 0; i < count; i++) {
        struct config_generic *gconf = all[i];
        if (gconf == nullptr || strncmp(gconf->name, "redline.", 8) != 0 || (gconf->flags & GUC_CUSTOM_PLACEHOLDER))
            continue;
        SettingSeen setting{gconf->name, GetConfigOptionByName(gconf->name, nullptr, true),
                            gconf->source >= PGC_S_INTERACTIVE};
        seen(setting, arg);
    }
}

} // namespace redline
