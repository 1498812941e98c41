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

namespace {

TEST(LargeDdlRefusal, SaysLockSizeEstimateAndTheSafeWay)
{
    redline::LargeDdl ddl{"ALTER TABLE",      "public.big", "ACCESS EXCLUSIVE", true, 5LL * 1024 * 1024 * 1024, 51.2, 1,
                          100LL * 1024 * 1024};
    auto r = redline::refuse_large_ddl(ddl, "alice", "");
    EXPECT_STREQ(r.sqlstate, redline::sqlstate::large_rewrite);
    EXPECT_EQ(
        r.message,
        "ALTER TABLE refused: it would rewrite public.big (5120 MB) for about 51 s holding lock ACCESS EXCLUSIVE");
    EXPECT_NE(r.detail.find("larger than redline.max_rewrite_size (100 MB)"), std::string::npos);
    EXPECT_NE(r.detail.find("every query on the table waits"), std::string::npos);
    EXPECT_NE(r.hint.find("add a new column of the new type"), std::string::npos);
    EXPECT_NE(r.hint.find("redline approve PROFILE --op rewrite --object public.big --for alice"), std::string::npos);
}

TEST(LargeDdlRefusal, EachCauseHasItsSafePattern)
{
    EXPECT_NE(std::string(redline::safe_ddl_pattern(6)).find("NOT VALID"), std::string::npos);
    EXPECT_NE(std::string(redline::safe_ddl_pattern(8)).find("CONCURRENTLY"), std::string::npos);
    EXPECT_NE(std::string(redline::safe_ddl_pattern(7)).find("IS NOT NULL"), std::string::npos);
    for (int cause = 0; cause <= 8; ++cause)
        EXPECT_GT(std::string(redline::safe_ddl_pattern(cause)).size(), 10u) << cause;
}

TEST(PrettySize, LikePgSizePretty)
{
    EXPECT_EQ(redline::pretty_size(512), "512 bytes");
    EXPECT_EQ(redline::pretty_size(4144LL * 1024), "4144 kB");
    EXPECT_EQ(redline::pretty_size(100LL * 1024 * 1024), "100 MB");
    EXPECT_EQ(redline::pretty_size(3LL * 1024 * 1024 * 1024 * 1024), "3072 GB");
}

} // namespace
