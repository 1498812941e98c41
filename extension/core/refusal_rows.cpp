// Wording of the row budget refusals: how many rows, where, against which limit, and the exact
// SET LOCAL that lets the intended count through.
#include "refusal.hpp"
#include "sqlstate.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <fmt/format.h>

namespace redline {

namespace {

// ` of "orders"` when one table holds every row; ` (4990 of "orders", 10 of "order_log")`
// otherwise, naming at most three tables.
std::string where(const ChangedRows &changed)
{
    const auto &tables = changed.tables;
    if (tables.empty())
        return "";
    if (tables.size() == 1 && tables[0].rows == changed.rows)
        return fmt::format(" of \"{}\"", tables[0].table);
    std::string out = " (";
    std::size_t named = tables.size() > 3 ? 2 : tables.size();
    std::uint64_t rest = changed.rows;
    for (std::size_t i = 0; i < named; i++) {
        bool last = i + 1 == named && named == tables.size();
        out += fmt::format("{}{} of \"{}\"", i == 0 ? "" : (last ? " and " : ", "), tables[i].rows, tables[i].table);
        rest -= tables[i].rows;
    }
    if (named < tables.size())
        out += fmt::format(" and {} in {} other tables", rest, tables.size() - named);
    return out + ")";
}

} // namespace

Refusal refuse_row_budget(const ChangedRows &changed, int max_rows)
{
    return Refusal{
        sqlstate::row_budget,
        fmt::format("{} would have changed {} rows{}, more than redline.max_rows ({}); it was rolled back",
                    changed.command, changed.rows, where(changed), max_rows),
        fmt::format("redline.max_rows limits how many rows one statement may change unless the count was "
                    "stated first; the count includes what its triggers, foreign-key cascades and functions "
                    "changed. No row was changed."),
        fmt::format("Check the rows with SELECT count(*) first. If {0} rows is right, state it in the same "
                    "transaction: BEGIN; SET LOCAL redline.expect_rows = {0}; then run the {1} again and COMMIT;",
                    changed.rows, changed.command)};
}

Refusal refuse_row_count_mismatch(const ChangedRows &changed, std::int64_t expected)
{
    return Refusal{sqlstate::row_count_mismatch,
                   fmt::format("{} would have changed {} rows{}, but redline.expect_rows stated {}; it was rolled back",
                               changed.command, changed.rows, where(changed), expected),
                   fmt::format("A stated row count must match exactly, and it counts what the statement's triggers, "
                               "foreign-key cascades and functions changed too. No row was changed."),
                   fmt::format("Check the WHERE clause with SELECT count(*). If {0} rows is right, state that instead: "
                               "SET LOCAL redline.expect_rows = {0}; and run the {1} again.",
                               changed.rows, changed.command)};
}

Refusal refuse_every_row(const char *command, const char *table, std::uint64_t table_rows, std::uint64_t statement_rows)
{
    return Refusal{
        sqlstate::unqualified_write,
        fmt::format("{} changed every row of \"{}\" ({} rows); it was rolled back", command, table, table_rows),
        fmt::format("A statement that changes every row of a table of more than {} rows is refused unless its "
                    "row count was stated first: a condition can hold for every row and still look like a "
                    "restriction (name LIKE '%', id = id + 0, a join of the table with itself). No row was "
                    "changed.",
                    small_table_rows),
        fmt::format("Check the condition with SELECT count(*). If every row is meant, state the count in the "
                    "same transaction: BEGIN; SET LOCAL redline.expect_rows = {0}; then run the {1} again and "
                    "COMMIT;",
                    statement_rows, command)};
}

} // namespace redline
