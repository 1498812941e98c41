// Turns a guard's Refusal into ERROR + SQLSTATE + DETAIL + HINT.
#include "refusal_pg.hpp"
#include "audit_log.hpp"
#include "boundary.hpp"
#include "sqlstate.hpp"

#include <cstring>

namespace redline {

namespace {
char *copy(const std::string &text)
{
    if (text.empty())
        return nullptr;
    return pg_call([&] { return pnstrdup(text.data(), text.size()); });
}
} // namespace

PgRefusal *to_pg(const Refusal &refusal)
{
    auto *out = pg_call([] { return static_cast<PgRefusal *>(palloc0(sizeof(PgRefusal))); });
    out->sqlerrcode = pg_sqlstate(refusal.sqlstate);
    out->message = copy(refusal.message);
    out->detail = copy(refusal.detail);
    out->hint = copy(refusal.hint);
    return out;
}

void raise_refusal(const PgRefusal *r)
{
    // The refusal's row is committed by the audit writer before the error rolls this
    // transaction back, even inside an exception block that catches it.
    audit::refused(r);
    ereport(ERROR, (errcode(r->sqlerrcode), errmsg_internal("%s", r->message),
                    r->detail ? errdetail_internal("%s", r->detail) : 0, r->hint ? errhint("%s", r->hint) : 0));
    pg_unreachable();
}

} // namespace redline
