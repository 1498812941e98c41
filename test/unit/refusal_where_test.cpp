// Tests the wording of the "UPDATE/DELETE needs an effective WHERE" refusal for every
// command and flaw: the SQLSTATE, the relation named, and the safe statement in the hint.
#include "refusal.hpp"
#include "sqlstate.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>

namespace {

using redline::WhereFlaw;
using redline::WriteCommand;
using redline::WriteShape;

WriteShape shape(WriteCommand command, WhereFlaw flaw, const char *relation = "orders")
{
    return WriteShape{command, flaw, relation, false, false, false, false};
}

const char *command_name(WriteCommand c)
{
    switch (c) {
    case WriteCommand::update:
        return "update";
    case WriteCommand::delete_:
        return "delete";
    case WriteCommand::merge_update:
        return "merge_update";
    case WriteCommand::merge_delete:
        return "merge_delete";
    }
    return "unknown";
}

const char *flaw_name(WhereFlaw f)
{
    switch (f) {
    case WhereFlaw::none:
        return "none";
    case WhereFlaw::no_where:
        return "no_where";
    case WhereFlaw::constant_true:
        return "constant_true";
    case WhereFlaw::self_comparison:
        return "self_comparison";
    case WhereFlaw::not_null_test:
        return "not_null_test";
    case WhereFlaw::self_subquery:
        return "self_subquery";
    case WhereFlaw::no_target_reference:
        return "no_target_reference";
    }
    return "unknown";
}

// What a person should type instead, as the hint must spell it for this relation.
std::string safe_statement(WriteCommand c, bool other_tables, const std::string &r)
{
    switch (c) {
    case WriteCommand::delete_:
        return other_tables ? "DELETE FROM " + r + " USING other WHERE " + r + ".key = other.key AND ...;"
                            : "DELETE FROM " + r + " WHERE <condition>;";
    case WriteCommand::update:
        return other_tables ? "UPDATE " + r + " SET ... FROM other WHERE " + r + ".key = other.key AND ...;"
                            : "UPDATE " + r + " SET ... WHERE <condition>;";
    case WriteCommand::merge_update:
    case WriteCommand::merge_delete:
        return "MERGE INTO " + r + " USING source ON " + r + ".key = source.key";
    }
    return {};
}

const char *verb_prefix(WriteCommand c)
{
    switch (c) {
    case WriteCommand::update:
        return "UPDATE ";
    case WriteCommand::delete_:
        return "DELETE ";
    case WriteCommand::merge_update:
        return "MERGE ... WHEN MATCHED THEN UPDATE ";
    case WriteCommand::merge_delete:
        return "MERGE ... WHEN MATCHED THEN DELETE ";
    }
    return "";
}

using Case = std::tuple<WriteCommand, WhereFlaw, bool, const char *>;

class EveryUnqualifiedWrite : public testing::TestWithParam<Case> {};

TEST_P(EveryUnqualifiedWrite, IsRL001WithRelationAndSafeStatement)
{
    auto [command, flaw, other_tables, relation] = GetParam();
    WriteShape s = shape(command, flaw, relation);
    s.has_other_tables = other_tables;
    auto r = redline::refuse_unqualified_write(s);

    EXPECT_STREQ(r.sqlstate, "RL001");
    EXPECT_EQ(r.message.rfind(verb_prefix(command), 0), 0u) << r.message;
    EXPECT_NE(r.message.find(std::string("\"") + relation + "\""), std::string::npos) << r.message;
    EXPECT_NE(r.hint.find(safe_statement(command, other_tables, relation)), std::string::npos) << r.hint;
    EXPECT_NE(r.detail.find("redline.require_where"), std::string::npos) << r.detail;

    // PostgreSQL's message style: one line, no final period; detail and hint are sentences.
    EXPECT_EQ(r.message.find('\n'), std::string::npos);
    EXPECT_NE(r.message.back(), '.');
    EXPECT_EQ(r.detail.back(), '.');
}

std::string case_name(const testing::TestParamInfo<Case> &info)
{
    auto [command, flaw, other_tables, relation] = info.param;
    std::string name = std::string(command_name(command)) + "_" + flaw_name(flaw);
    if (other_tables)
        name += "_with_other_tables";
    if (std::string(relation).find('.') != std::string::npos)
        name += "_qualified";
    return name;
}

INSTANTIATE_TEST_SUITE_P(All, EveryUnqualifiedWrite,
                         testing::Combine(testing::Values(WriteCommand::update, WriteCommand::delete_,
                                                          WriteCommand::merge_update, WriteCommand::merge_delete),
                                          testing::Values(WhereFlaw::none, WhereFlaw::no_where,
                                                          WhereFlaw::constant_true, WhereFlaw::self_comparison,
                                                          WhereFlaw::not_null_test, WhereFlaw::self_subquery,
                                                          WhereFlaw::no_target_reference),
                                          testing::Bool(), testing::Values("orders", "sales.orders")),
                         case_name);

TEST(UnqualifiedWrite, DeleteWithoutWhereReadsInFull)
{
    auto r = redline::refuse_unqualified_write(shape(WriteCommand::delete_, WhereFlaw::no_where));
    EXPECT_EQ(r.message, "DELETE on table \"orders\" has no WHERE clause");
    EXPECT_EQ(r.detail, "It would change every row. redline.require_where refuses UPDATE, DELETE and MERGE that do "
                        "not restrict their target rows.");
    EXPECT_EQ(r.hint, "Name the rows: DELETE FROM orders WHERE <condition>; count them first with SELECT count(*) "
                      "FROM orders WHERE <condition>; to empty the table on purpose, use TRUNCATE orders;");
}

TEST(UnqualifiedWrite, UpdateWithAlwaysTrueWhereSaysSo)
{
    auto r = redline::refuse_unqualified_write(shape(WriteCommand::update, WhereFlaw::constant_true));
    EXPECT_EQ(r.message, "UPDATE on table \"orders\" has a WHERE clause that is always true");
    EXPECT_NE(r.detail.find("folds to TRUE"), std::string::npos) << r.detail;
    EXPECT_NE(r.hint.find("SELECT count(*) FROM orders WHERE <condition>;"), std::string::npos) << r.hint;
}

TEST(UnqualifiedWrite, SelfComparisonIsExplained)
{
    auto r = redline::refuse_unqualified_write(shape(WriteCommand::delete_, WhereFlaw::self_comparison));
    EXPECT_EQ(r.message, "DELETE on table \"orders\" has a WHERE clause that compares a column with itself");
}

TEST(UnqualifiedWrite, NotNullTestIsExplained)
{
    auto r = redline::refuse_unqualified_write(shape(WriteCommand::delete_, WhereFlaw::not_null_test));
    EXPECT_EQ(r.message, "DELETE on table \"orders\" has a WHERE clause that tests a column that cannot be NULL");
    EXPECT_NE(r.detail.find("true for every row"), std::string::npos) << r.detail;
}

TEST(UnqualifiedWrite, MissingJoinNamesTheUnjoinedTarget)
{
    WriteShape s = shape(WriteCommand::update, WhereFlaw::no_target_reference);
    s.has_other_tables = true;
    auto r = redline::refuse_unqualified_write(s);
    EXPECT_EQ(r.message, "UPDATE on table \"orders\" does not join \"orders\" to the other tables");
}

TEST(UnqualifiedWrite, ViewIsCalledAView)
{
    WriteShape s = shape(WriteCommand::delete_, WhereFlaw::no_where);
    s.relation_is_view = true;
    EXPECT_EQ(redline::refuse_unqualified_write(s).message, "DELETE on view \"orders\" has no WHERE clause");
}

TEST(UnqualifiedWrite, MergeNamesItsOnCondition)
{
    auto r = redline::refuse_unqualified_write(shape(WriteCommand::merge_delete, WhereFlaw::constant_true));
    EXPECT_EQ(r.message, "MERGE ... WHEN MATCHED THEN DELETE would change every row of table \"orders\": its ON "
                         "condition is always true and the action has no condition");
    EXPECT_NE(r.hint.find("WHEN MATCHED AND orders.<column> ... THEN ..."), std::string::npos) << r.hint;
}

// A refusal from inside a rule or a WITH query must say where the statement came from,
// or the person looking at their own statement cannot see what was refused.
TEST(UnqualifiedWrite, DetailSaysWhereTheStatementCameFrom)
{
    WriteShape s = shape(WriteCommand::delete_, WhereFlaw::no_where);
    EXPECT_EQ(redline::refuse_unqualified_write(s).detail.find("rewrite rule"), std::string::npos);
    EXPECT_EQ(redline::refuse_unqualified_write(s).detail.find("WITH query"), std::string::npos);
    s.from_rule = true;
    EXPECT_NE(redline::refuse_unqualified_write(s).detail.find("The statement is the action of a rewrite rule."),
              std::string::npos);
    s.from_rule = false;
    s.in_with = true;
    EXPECT_NE(redline::refuse_unqualified_write(s).detail.find("The statement is a data-modifying WITH query."),
              std::string::npos);
}

} // namespace

TEST(UnqualifiedWrite, ViewTargetNeverSuggestsTruncate)
{
    WriteShape s = shape(WriteCommand::delete_, WhereFlaw::no_where);
    s.relation_is_view = true;
    auto r = redline::refuse_unqualified_write(s);
    EXPECT_EQ(r.message, "DELETE on view \"orders\" has no WHERE clause");
    EXPECT_EQ(r.hint.find("TRUNCATE"), std::string::npos) << r.hint;
}

TEST(UnqualifiedWrite, RuleActionHintFixesTheRule)
{
    WriteShape s = shape(WriteCommand::delete_, WhereFlaw::no_where);
    s.from_rule = true;
    auto r = redline::refuse_unqualified_write(s);
    EXPECT_NE(r.detail.find("action of a rewrite rule"), std::string::npos) << r.detail;
    EXPECT_NE(r.hint.find("CREATE OR REPLACE RULE"), std::string::npos) << r.hint;
}
