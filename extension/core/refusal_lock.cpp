// Wording of the write lock, the connect gate and token refusals: what was refused, that
// nothing changed, and the exact way to unlock (the CLI command, then the SQL to paste).
#include "refusal.hpp"
#include "sqlstate.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <fmt/format.h>

namespace redline {

namespace {

std::string unlock_hint(const LockContext &ctx)
{
    if (ctx.withheld != nullptr)
        return "Write from the session that opened this connection, once that session is unlocked (`redline token "
               "PROFILE --sql`), not through a connection back to this server (dblink, postgres_fdw, a program "
               "it runs).";
    if (ctx.has_unlock)
        return "Unlock this session with a session token: run `redline token PROFILE --sql` and paste the "
               "SELECT redline.unlock('...'); it prints, or reconnect with `redline connect PROFILE --write`.";
    return "Unlock this session with a session token: run `redline token PROFILE` and SET "
           "redline.session_token = '<token>'; (this database has no redline extension, so no redline.unlock()), "
           "or reconnect with `redline connect PROFILE --write`.";
}

// Why a role in redline.exempt_roles is held to the lock in this session.
std::string withheld_detail(const LockContext &ctx)
{
    return fmt::format("Role \"{}\" is in redline.exempt_roles, but {}: a connection the server opens to itself "
                       "is never more exempt than the session it was opened for. Nothing was changed.",
                       ctx.role, ctx.withheld);
}

} // namespace

Refusal refuse_locked_write(const std::string &what, const LockContext &ctx)
{
    return Refusal{sqlstate::session_locked,
                   fmt::format("{} refused: this {} session of role \"{}\" is read-only until it is unlocked", what,
                               ctx.environment, ctx.role),
                   ctx.withheld != nullptr
                       ? withheld_detail(ctx)
                       : fmt::format("redline.require_token = write: a session of a role not in redline.exempt_roles "
                                     "reads freely but changes nothing until it presents a session token signed by "
                                     "a key enrolled for \"{}\". Nothing was changed.",
                                     ctx.role),
                   unlock_hint(ctx)};
}

Refusal refuse_before_unlock(const std::string &what, const LockContext &ctx)
{
    return Refusal{sqlstate::connect_gate,
                   fmt::format("{} refused: this {} session of role \"{}\" is locked until it presents a session token",
                               what, ctx.environment, ctx.role),
                   ctx.withheld != nullptr
                       ? withheld_detail(ctx)
                       : fmt::format("redline.require_token = connect: until it is unlocked, a session runs nothing "
                                     "but redline.unlock(), redline.status(), SET, SHOW, RESET and transaction "
                                     "control."),
                   unlock_hint(ctx)};
}

Refusal refuse_token(const std::string &reason, const LockContext &ctx)
{
    return Refusal{sqlstate::token_refused, fmt::format("session token refused: {}", reason),
                   fmt::format("The session of role \"{}\" stays as it was. A token is accepted once, by a server of "
                               "its environment and cluster, before it expires, from the role it was minted for.",
                               ctx.role),
                   "Mint a fresh token for this server and role: `redline token PROFILE --sql`, or reconnect with "
                   "`redline connect PROFILE --write`."};
}

std::string session_banner(const LockContext &ctx, bool locked, bool gate, const char *until)
{
    std::string env = ctx.environment;
    for (auto &c : env)
        c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (!locked)
        return until != nullptr && until[0] != '\0'
                   ? fmt::format("redline: {} — session of \"{}\" unlocked for writes until {}", env, ctx.role, until)
                   : fmt::format("redline: {} — session of \"{}\", writes allowed", env, ctx.role);
    return fmt::format("redline: {} — session of \"{}\" is {} until unlocked with a session token "
                       "(`redline token PROFILE --sql`)",
                       env, ctx.role, gate ? "locked" : "read-only");
}

} // namespace redline
