// Wording of the "UPDATE/DELETE needs an effective WHERE" refusal: what was refused,
// why, and the exact safe form to type instead.
#include "refusal.hpp"
#include "sqlstate.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <fmt/format.h>

namespace redline {

namespace {

const char *verb(WriteCommand c)
{
    switch (c) {
    case WriteCommand::update:
        return "UPDATE";
    case WriteCommand::delete_:
        return "DELETE";
    case WriteCommand::merge_update:
        return "MERGE ... WHEN MATCHED THEN UPDATE";
    case WriteCommand::merge_delete:
        return "MERGE ... WHEN MATCHED THEN DELETE";
    }
    return "write";
}

bool is_merge(WriteCommand c) { return c == WriteCommand::merge_update || c == WriteCommand::merge_delete; }

std::string what_is_wrong(const WriteShape &s)
{
    const char *kind = s.relation_is_view ? "view" : "table";
    if (is_merge(s.command)) {
        switch (s.flaw) {
        case WhereFlaw::self_comparison:
            return fmt::format("{} would change every row of {} \"{}\": its condition compares a column with itself",
                               verb(s.command), kind, s.relation);
        case WhereFlaw::self_subquery:
            return fmt::format("{} would change every row of {} \"{}\": its condition matches the table against itself",
                               verb(s.command), kind, s.relation);
        case WhereFlaw::not_null_test:
            return fmt::format(
                "{} would change every row of {} \"{}\": its condition tests a column that cannot be NULL",
                verb(s.command), kind, s.relation);
        case WhereFlaw::no_target_reference:
            return fmt::format(
                "{} would change every row of {} \"{}\": neither the ON condition nor the WHEN condition names a column of \"{}\"",
                verb(s.command), kind, s.relation, s.relation);
        default:
            return fmt::format(
                "{} would change every row of {} \"{}\": its ON condition is always true and the action has no condition",
                verb(s.command), kind, s.relation);
        }
    }
    switch (s.flaw) {
    case WhereFlaw::no_where:
        return fmt::format("{} on {} \"{}\" has no WHERE clause", verb(s.command), kind, s.relation);
    case WhereFlaw::constant_true:
        return fmt::format("{} on {} \"{}\" has a WHERE clause that is always true", verb(s.command), kind, s.relation);
    case WhereFlaw::self_comparison:
        return fmt::format("{} on {} \"{}\" has a WHERE clause that compares a column with itself", verb(s.command),
                           kind, s.relation);
    case WhereFlaw::self_subquery:
        return fmt::format("{} on {} \"{}\" has a WHERE clause that matches \"{}\" against itself", verb(s.command),
                           kind, s.relation, s.relation);
    case WhereFlaw::not_null_test:
        return fmt::format("{} on {} \"{}\" has a WHERE clause that tests a column that cannot be NULL",
                           verb(s.command), kind, s.relation);
    case WhereFlaw::no_target_reference:
        if (s.has_other_tables)
            return fmt::format("{} on {} \"{}\" does not join \"{}\" to the other tables", verb(s.command), kind,
                               s.relation, s.relation);
        return fmt::format("{} on {} \"{}\" has a WHERE clause that names no column of \"{}\"", verb(s.command), kind,
                           s.relation, s.relation);
    case WhereFlaw::none:
        break;
    }
    return fmt::format("{} on {} \"{}\" was refused", verb(s.command), kind, s.relation);
}

std::string why(const WriteShape &s)
{
    std::string text;
    switch (s.flaw) {
    case WhereFlaw::no_where:
        text = "It would change every row.";
        break;
    case WhereFlaw::constant_true:
        text = "The condition folds to TRUE before any row is read, so it selects every row.";
        break;
    case WhereFlaw::self_comparison:
        text = "A column compared with itself is true for every row where it is not null.";
        break;
    case WhereFlaw::self_subquery:
        text = fmt::format(
            "A subquery that reads all of \"{}\" finds every row of it again (all but those where the column is NULL).",
            s.relation);
        break;
    case WhereFlaw::not_null_test:
        text = "IS NOT NULL on a NOT NULL column (or a system column such as ctid) is true for every row.";
        break;
    case WhereFlaw::no_target_reference:
        text = fmt::format("A condition that names no column of \"{}\" is the same for all of its rows, so it "
                           "selects all of them or none.",
                           s.relation);
        break;
    case WhereFlaw::none:
        break;
    }
    if (s.from_rule)
        text += " The statement is the action of a rewrite rule.";
    if (s.in_with)
        text += " The statement is a data-modifying WITH query.";
    text += " redline.require_where refuses UPDATE, DELETE and MERGE that do not restrict their target rows.";
    return text;
}

std::string safe_way(const WriteShape &s)
{
    const char *r = s.relation;
    if (s.from_rule)
        return fmt::format("Give the rule's action a condition on the row the rule fires for, e.g. "
                           "... WHERE {0}.key = OLD.key (or NEW.key), with CREATE OR REPLACE RULE.",
                           r);
    switch (s.command) {
    case WriteCommand::delete_:
        if (s.has_other_tables)
            return fmt::format("Join on a key: DELETE FROM {0} USING other WHERE {0}.key = other.key AND ...; "
                               "count first with SELECT count(*) FROM {0} JOIN other ON {0}.key = other.key WHERE ...;",
                               r);
        if (s.relation_is_view)
            return fmt::format("Name the rows: DELETE FROM {0} WHERE <condition>; count them first with "
                               "SELECT count(*) FROM {0} WHERE <condition>;",
                               r);
        return fmt::format(
            "Name the rows: DELETE FROM {0} WHERE <condition>; count them first with "
            "SELECT count(*) FROM {0} WHERE <condition>; to empty the table on purpose, use TRUNCATE {0};",
            r);
    case WriteCommand::update:
        if (s.has_other_tables)
            return fmt::format("Join on a key: UPDATE {0} SET ... FROM other WHERE {0}.key = other.key AND ...; "
                               "count first with SELECT count(*) FROM {0} JOIN other ON {0}.key = other.key WHERE ...;",
                               r);
        return fmt::format("Name the rows: UPDATE {0} SET ... WHERE <condition>; count them first with "
                           "SELECT count(*) FROM {0} WHERE <condition>;",
                           r);
    case WriteCommand::merge_update:
    case WriteCommand::merge_delete:
        return fmt::format("Join on a key: MERGE INTO {0} USING source ON {0}.key = source.key ..., or give the "
                           "action a condition on {0}: WHEN MATCHED AND {0}.<column> ... THEN ...",
                           r);
    }
    return {};
}

} // namespace

Refusal refuse_unqualified_write(const WriteShape &shape)
{
    return Refusal{sqlstate::unqualified_write, what_is_wrong(shape), why(shape), safe_way(shape)};
}

} // namespace redline
