// Tests the wording of the row budget refusals: the SQLSTATE, the row count against the
// limit, where the rows were, and the exact SET LOCAL a person types to let the intended
// count through; and the refusal of a statement that changed every row of a table.
#include "refusal.hpp"
#include "sqlstate.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

redline::ChangedRows one_table(const char *command, const char *table, std::uint64_t rows)
{
    return redline::ChangedRows{command, rows, {{table, rows}}};
}

TEST(RowBudget, IsRL002WithCountLimitAndTheSetLocalToType)
{
    auto r = redline::refuse_row_budget(one_table("DELETE", "orders", 5000), 1000);
    EXPECT_STREQ(r.sqlstate, "RL002");
    EXPECT_STREQ(r.sqlstate, redline::sqlstate::row_budget);
    EXPECT_EQ(r.message, "DELETE would have changed 5000 rows of \"orders\", more than redline.max_rows (1000); it "
                         "was rolled back");
    EXPECT_TRUE(contains(r.detail, "No row was changed.")) << r.detail;
    EXPECT_TRUE(contains(r.detail, "triggers")) << r.detail;
    EXPECT_TRUE(contains(r.hint, "SET LOCAL redline.expect_rows = 5000;")) << r.hint;
    EXPECT_TRUE(contains(r.hint, "run the DELETE again")) << r.hint;
}

TEST(RowBudget, StatesTheCountOfEachCommand)
{
    for (const char *command : {"INSERT", "UPDATE", "DELETE", "MERGE", "SELECT", "DO", "CALL"}) {
        auto r = redline::refuse_row_budget(one_table(command, "orders", 1001), 1000);
        EXPECT_EQ(r.message.rfind(command, 0), 0u) << r.message;
        EXPECT_TRUE(contains(r.message, "1001 rows of \"orders\"")) << r.message;
        EXPECT_TRUE(contains(r.message, "redline.max_rows (1000)")) << r.message;
        EXPECT_TRUE(contains(r.hint, "SET LOCAL redline.expect_rows = 1001;")) << r.hint;
    }
}

TEST(RowBudget, NamesEveryTableOfTheTotal)
{
    redline::ChangedRows changed{"DELETE", 1008, {{"orders", 1000}, {"customer", 8}}};
    auto r = redline::refuse_row_budget(changed, 1000);
    EXPECT_TRUE(contains(r.message, "changed 1008 rows (1000 of \"orders\" and 8 of \"customer\"), more than"))
        << r.message;
    EXPECT_TRUE(contains(r.hint, "SET LOCAL redline.expect_rows = 1008;")) << r.hint;
}

TEST(RowBudget, NamesTheLargestTablesAndCountsTheRest)
{
    redline::ChangedRows changed{"DO", 1100, {{"a", 600}, {"b", 300}, {"c", 150}, {"d", 50}}};
    auto r = redline::refuse_row_budget(changed, 1000);
    EXPECT_TRUE(contains(r.message, "(600 of \"a\", 300 of \"b\" and 200 in 2 other tables)")) << r.message;
    redline::ChangedRows three{"DO", 1050, {{"a", 600}, {"b", 300}, {"c", 150}}};
    EXPECT_TRUE(
        contains(redline::refuse_row_budget(three, 1000).message, "(600 of \"a\", 300 of \"b\" and 150 of \"c\")"));
}

TEST(RowCountMismatch, IsRL003WithBothCountsAndTheSetLocalToType)
{
    auto r = redline::refuse_row_count_mismatch(one_table("UPDATE", "orders", 7), 5);
    EXPECT_STREQ(r.sqlstate, "RL003");
    EXPECT_STREQ(r.sqlstate, redline::sqlstate::row_count_mismatch);
    EXPECT_EQ(r.message,
              "UPDATE would have changed 7 rows of \"orders\", but redline.expect_rows stated 5; it was rolled back");
    EXPECT_TRUE(contains(r.detail, "No row was changed.")) << r.detail;
    EXPECT_TRUE(contains(r.hint, "SET LOCAL redline.expect_rows = 7;")) << r.hint;
    EXPECT_TRUE(contains(r.hint, "run the UPDATE again")) << r.hint;
}

TEST(RowCountMismatch, StatesZeroRowsPlainly)
{
    redline::ChangedRows none{"DELETE", 0, {}};
    auto r = redline::refuse_row_count_mismatch(none, 3);
    EXPECT_EQ(r.message, "DELETE would have changed 0 rows, but redline.expect_rows stated 3; it was rolled back");
    EXPECT_TRUE(contains(r.hint, "SET LOCAL redline.expect_rows = 0;")) << r.hint;
}

TEST(EveryRow, IsRL001WithTheTableTheCountAndTheSetLocalToType)
{
    auto r = redline::refuse_every_row("UPDATE", "accounts", 40, 45);
    EXPECT_STREQ(r.sqlstate, redline::sqlstate::unqualified_write);
    EXPECT_EQ(r.message, "UPDATE changed every row of \"accounts\" (40 rows); it was rolled back");
    EXPECT_TRUE(contains(r.detail, "more than 10 rows")) << r.detail;
    EXPECT_TRUE(contains(r.detail, "No row was changed.")) << r.detail;
    // The count to state is the statement's, which includes what its triggers changed.
    EXPECT_TRUE(contains(r.hint, "SET LOCAL redline.expect_rows = 45;")) << r.hint;
    EXPECT_TRUE(contains(r.hint, "run the UPDATE again")) << r.hint;
}

TEST(RowRefusals, FollowPostgresqlMessageStyle)
{
    for (const auto &r : {redline::refuse_row_budget(one_table("DELETE", "orders", 5000), 1000),
                          redline::refuse_row_count_mismatch(one_table("UPDATE", "orders", 7), 5),
                          redline::refuse_every_row("DELETE", "orders", 40, 40)}) {
        EXPECT_EQ(r.message.find('\n'), std::string::npos);
        EXPECT_NE(r.message.back(), '.');
        EXPECT_EQ(r.detail.back(), '.');
    }
}

} // namespace
