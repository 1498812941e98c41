// Tests the pure parts of protected operations: the names redline.protected accepts, each
// environment's default, and the wording of a refusal that lists every object.
#include "protected_ops.hpp"
#include "refusal.hpp"
#include "sqlstate.hpp"

#include <gtest/gtest.h>

namespace {

using namespace redline;

TEST(ProtectedOps, ParsesListsNoneAndAuto)
{
    auto both = parse_protected_ops(" drop_table , truncate ");
    ASSERT_TRUE(both.ok);
    EXPECT_FALSE(both.automatic);
    EXPECT_EQ(both.mask, op_drop_table | op_truncate);
    EXPECT_EQ(parse_protected_ops("none").mask, 0u);
    EXPECT_EQ(parse_protected_ops("").mask, 0u);
    EXPECT_TRUE(parse_protected_ops("auto").automatic);
    auto bad = parse_protected_ops("drop_table, drop_everything");
    EXPECT_FALSE(bad.ok);
    EXPECT_EQ(bad.bad_name, "drop_everything");
    EXPECT_FALSE(parse_protected_ops("DROP_TABLE").ok) << "names are lower case, as documented";
}

TEST(ProtectedOps, ProductionProtectsEverythingOthersNothing)
{
    unsigned production = default_protected_ops(Environment::production);
    for (unsigned op : {op_drop_table, op_drop_schema, op_drop_database, op_drop_column, op_drop_extension, op_truncate,
                        op_alter_system, op_drop_role})
        EXPECT_NE(production & op, 0u) << protected_op_name(static_cast<ProtectedOp>(op));
    EXPECT_EQ(default_protected_ops(Environment::staging), 0u);
    EXPECT_EQ(default_protected_ops(Environment::local), 0u);
    EXPECT_EQ(all_protected_op_names(), "drop_table, drop_schema, drop_database, drop_column, drop_extension, "
                                        "truncate, alter_system, drop_role");
}

TEST(ApprovalRefusal, OneObject)
{
    auto r = refuse_unapproved("DROP TABLE", "alice", {{"drop_table", "public.orders", ""}});
    EXPECT_STREQ(r.sqlstate, sqlstate::approval_required);
    EXPECT_EQ(r.message, "DROP TABLE refused: public.orders (drop_table) needs a second person's approval");
    EXPECT_NE(r.detail.find("Nothing was destroyed."), std::string::npos);
    EXPECT_NE(r.hint.find("redline approve PROFILE --op drop_table --object public.orders --for alice"),
              std::string::npos);
    EXPECT_NE(r.hint.find("SET redline.approval_token = '<token>'"), std::string::npos);
}

TEST(ApprovalRefusal, EveryObjectAndWhyAPresentedTokenFailed)
{
    auto r = refuse_unapproved("DROP SCHEMA", "alice",
                               {{"drop_table", "sales.q1", "it was already used"}, {"drop_schema", "sales", ""}});
    EXPECT_NE(r.message.find("it would destroy 2 protected objects"), std::string::npos);
    EXPECT_NE(r.message.find("sales.q1 (drop_table), sales (drop_schema)"), std::string::npos);
    EXPECT_NE(r.detail.find("The approval presented for drop_table sales.q1 was refused: it was already used."),
              std::string::npos);
    EXPECT_NE(r.hint.find("--op drop_schema --object sales --for alice"), std::string::npos);
    EXPECT_NE(r.hint.find("tokens separated by commas"), std::string::npos);
}

} // namespace
