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

Refusal refuse_audit_link(const std::string &what)
{
    return Refusal{
        sqlstate::audit_append_only,
        what + " refused: redline.audit_log is never a parent, child or partition of another table",
        "A child table's rows would show in every SELECT on redline.audit_log as if redline had written them, and "
        "an ALTER, TRUNCATE or DELETE on a parent would reach into the log; so the audit log stands alone, for "
        "every role, superusers included.",
        "To work with rows shaped like audit rows, copy them into a table of your own that is not linked to the "
        "log: CREATE TABLE audit_copy (LIKE redline.audit_log); INSERT INTO audit_copy SELECT * FROM ONLY "
        "redline.audit_log;"};
}

Refusal refuse_audit_schema_rename(const std::string &schema)
{
    return Refusal{
        sqlstate::audit_append_only,
        "ALTER SCHEMA " + schema + " RENAME refused: redline.audit_log must stay where redline finds it",
        "redline writes, guards and verifies the audit log by its name, redline.audit_log: under a renamed schema "
        "the real log would lose its protection and another table could take its name.",
        "Leave schema " + schema +
            " as it is; to reach the log under another name, create a view of it: CREATE "
            "VIEW other_schema.audit_log AS SELECT * FROM ONLY redline.audit_log;"};
}

} // namespace redline
