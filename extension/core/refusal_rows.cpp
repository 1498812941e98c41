// Wording of the row budget refusals: how many rows, against which limit, and the exact
// SET LOCAL that lets the intended count through.
#include "refusal.hpp"
#include "sqlstate.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <fmt/format.h>

namespace redline {

Refusal refuse_row_budget(const char *command, const char *relation, std::uint64_t rows, int max_rows)
{
    return Refusal{
        sqlstate::row_budget,
        fmt::format("{} would have changed {} rows of \"{}\", more than redline.max_rows ({}); it was rolled back",
                    command, rows, relation, max_rows),
        fmt::format("redline.max_rows limits how many rows one statement may change unless the count was "
                    "stated first. No row was changed."),
        fmt::format("Check the rows with SELECT count(*) first. If {0} rows is right, state it in the same "
                    "transaction: BEGIN; SET LOCAL redline.expect_rows = {0}; then run the {1} again and COMMIT;",
                    rows, command)};
}

Refusal refuse_row_count_mismatch(const char *command, const char *relation, std::uint64_t rows, std::int64_t expected)
{
    return Refusal{
        sqlstate::row_count_mismatch,
        fmt::format("{} would have changed {} rows of \"{}\", but redline.expect_rows stated {}; it was rolled back",
                    command, rows, relation, expected),
        fmt::format("A stated row count must match exactly. No row was changed."),
        fmt::format("Check the WHERE clause with SELECT count(*). If {0} rows is right, state that instead: "
                    "SET LOCAL redline.expect_rows = {0}; and run the {1} again.",
                    rows, command)};
}

} // namespace redline
