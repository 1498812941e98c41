// Exemption of application roles, decided on the login role and cached, so the common
// path of an exempt application costs one comparison per statement.
#include "session_role.hpp"
#include "settings.hpp"

extern "C" {
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/varlena.h"
}

namespace redline {

namespace {
uint64 cached_generation = 0; // the settings::policy_generation the answer was found at
Oid cached_user = InvalidOid;
bool cached_exempt = false;

bool listed(Oid user)
{
    if (settings::exempt_roles == nullptr || settings::exempt_roles[0] == '\0')
        return false;
    char *name = GetUserNameFromId(user, true);
    if (name == nullptr)
        return false;
    bool found = name_is_exempt(name);
    pfree(name);
    return found;
}
} // namespace

bool name_is_exempt(const char *name)
{
    if (settings::exempt_roles == nullptr || settings::exempt_roles[0] == '\0')
        return false;
    char *raw = pstrdup(settings::exempt_roles);
    List *names = NIL;
    bool found = false;
    if (SplitIdentifierString(raw, ',', &names)) {
        ListCell *lc;
        foreach (lc, names) {
            if (strcmp(static_cast<char *>(lfirst(lc)), name) == 0) {
                found = true;
                break;
            }
        }
    }
    list_free(names);
    pfree(raw);
    return found;
}

bool session_is_exempt()
{
    Oid user = GetAuthenticatedUserId();
    if (cached_generation == settings::policy_generation && user == cached_user)
        return cached_exempt;
    cached_exempt = listed(user);
    cached_user = user;
    cached_generation = settings::policy_generation;
    return cached_exempt;
}

const char *login_role_name()
{
    static char name[NAMEDATALEN];
    if (name[0] == '\0') {
        char *found = GetUserNameFromId(GetAuthenticatedUserId(), false);
        strlcpy(name, found, sizeof name);
        pfree(found);
    }
    return name;
}

} // namespace redline
