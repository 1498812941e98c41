// Exemption of application roles, decided on the login role and cached, so the common
// path of an exempt application costs one comparison per statement. A connection this
// server opened to itself is exempt only if the session it was opened for is.
#include "session_role.hpp"
#include "session_origin.hpp"
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
char withheld[NAMEDATALEN + 160]; // why a listed login role is not exempt; "" when it is

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

// A listed role's session is still not exempt when a process of this cluster opened it on
// behalf of a session that is not: the lock follows the person, not the role they reach.
bool origin_allows()
{
    session_origin::examine();
    if (!session_origin::from_this_server())
        return true;
    Oid behalf = session_origin::on_behalf_of();
    if (OidIsValid(behalf) && listed(behalf))
        return true;
    char *name = OidIsValid(behalf) ? GetUserNameFromId(behalf, true) : nullptr;
    if (name != nullptr)
        snprintf(withheld, sizeof withheld, "this session was opened by %s of this server for a session of role \"%s\"",
                 session_origin::describe(), name);
    else
        snprintf(withheld, sizeof withheld, "this session was opened by %s of this server for no exempt session",
                 session_origin::describe());
    if (name != nullptr)
        pfree(name);
    return false;
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
    withheld[0] = '\0';
    cached_exempt = listed(user) && origin_allows();
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

const char *exemption_withheld()
{
    (void)session_is_exempt();
    return withheld[0] != '\0' ? withheld : nullptr;
}

} // namespace redline
