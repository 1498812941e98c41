// The wording of refusals that protect the audit log.
#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include "refusal.hpp"
#include "sqlstate.hpp"

namespace redline {

Refusal refuse_audit_change(const std::string &what)
{
    return Refusal{
        sqlstate::audit_append_only, what + " on redline.audit_log refused: the audit log is append-only",
        "Only redline writes audit rows, and nobody changes or removes them, superusers included; "
        "every row is hash-chained, so a change made with redline switched off is found by "
        "redline.verify_audit().",
        "Read it instead: SELECT * FROM redline.audit_log WHERE at > now() - interval '1 day' ORDER BY id; the "
        "audit log goes only with DROP EXTENSION redline, which needs a second person's approval: redline approve "
        "PROFILE --op drop_table --object redline.audit_log --for ROLE."};
}

} // namespace redline
