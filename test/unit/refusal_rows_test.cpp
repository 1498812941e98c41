// Tests the wording of the row budget refusals: the SQLSTATE, the row count against the
// limit, and the exact SET LOCAL a person types to let the intended count through.
#include "refusal.hpp"
#include "sqlstate.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

TEST(RowBudget, IsRL002WithCountLimitAndTheSetLocalToType)
{
    auto r = redline::refuse_row_budget("DELETE", "orders", 5000, 1000);
    EXPECT_STREQ(r.sqlstate, "RL002");
    EXPECT_STREQ(r.sqlstate, redline::sqlstate::row_budget);
    EXPECT_EQ(r.message, "DELETE would have changed 5000 rows of \"orders\", more than redline.max_rows (1000); it "
                         "was rolled back");
    EXPECT_TRUE(contains(r.detail, "No row was changed.")) << r.detail;
    EXPECT_TRUE(contains(r.hint, "SET LOCAL redline.expect_rows = 5000;")) << r.hint;
    EXPECT_TRUE(contains(r.hint, "run the DELETE again")) << r.hint;
}

TEST(RowBudget, StatesTheCountOfEachCommand)
{
    for (const char *command : {"INSERT", "UPDATE", "DELETE", "MERGE"}) {
        auto r = redline::refuse_row_budget(command, "public.orders", 1001, 1000);
        EXPECT_EQ(r.message.rfind(command, 0), 0u) << r.message;
        EXPECT_TRUE(contains(r.message, "1001 rows of \"public.orders\"")) << r.message;
        EXPECT_TRUE(contains(r.message, "redline.max_rows (1000)")) << r.message;
        EXPECT_TRUE(contains(r.hint, "SET LOCAL redline.expect_rows = 1001;")) << r.hint;
    }
}

TEST(RowCountMismatch, IsRL003WithBothCountsAndTheSetLocalToType)
{
    auto r = redline::refuse_row_count_mismatch("UPDATE", "orders", 7, 5);
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
    auto r = redline::refuse_row_count_mismatch("DELETE", "orders", 0, 3);
    EXPECT_TRUE(contains(r.message, "changed 0 rows")) << r.message;
    EXPECT_TRUE(contains(r.message, "stated 3")) << r.message;
    EXPECT_TRUE(contains(r.hint, "SET LOCAL redline.expect_rows = 0;")) << r.hint;
}

TEST(RowRefusals, FollowPostgresqlMessageStyle)
{
    for (const auto &r : {redline::refuse_row_budget("DELETE", "orders", 5000, 1000),
                          redline::refuse_row_count_mismatch("UPDATE", "orders", 7, 5)}) {
        EXPECT_EQ(r.message.find('\n'), std::string::npos);
        EXPECT_NE(r.message.back(), '.');
        EXPECT_EQ(r.detail.back(), '.');
    }
}

} // namespace
