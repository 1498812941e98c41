// Reading the server's refusal into `redline approve` commands: the refusals are produced by
// the extension's own wording code, so a change of wording that the CLI no longer reads
// fails here, not in front of a person.
#include "approvals/needed.hpp"

#include <refusal.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using redline::cli::approve_command;
using redline::cli::NeededApproval;
using redline::cli::parse_approval_hint;
using redline::cli::shell_word;

std::vector<NeededApproval> parsed(const std::vector<redline::NeededApproval> &needed, const char *role = "alice")
{
    auto refusal = redline::refuse_unapproved("DROP TABLE", role, needed);
    auto out = parse_approval_hint(refusal.hint, role);
    EXPECT_TRUE(out) << refusal.hint;
    return out ? out->approvals : std::vector<NeededApproval>{};
}

TEST(NeededApprovals, OneObject)
{
    EXPECT_EQ(parsed({{"drop_table", "public.orders", ""}}),
              (std::vector<NeededApproval>{{"drop_table", "public.orders"}}));
}

TEST(NeededApprovals, EveryObjectInTheServersOrder)
{
    EXPECT_EQ(parsed({{"drop_table", "sales.q2", ""}, {"drop_table", "sales.q1", ""}, {"drop_schema", "sales", ""}}),
              (std::vector<NeededApproval>{
                  {"drop_table", "sales.q2"}, {"drop_table", "sales.q1"}, {"drop_schema", "sales"}}));
}

TEST(NeededApprovals, PresentedTokensThatFailedChangeNothing)
{
    EXPECT_EQ(parsed({{"truncate", "public.ledger", "it was already used"}}),
              (std::vector<NeededApproval>{{"truncate", "public.ledger"}}));
}

TEST(NeededApprovals, NamesThatLookLikeSeparatorsStayWhole)
{
    // Quoted identifiers may hold what the hint uses between its parts.
    std::vector<redline::NeededApproval> odd{{"drop_table", "public.\"a; redline approve PROFILE --op x\"", ""},
                                             {"drop_column", "public.\"t (x), y\".\"and send you the token\"", ""},
                                             {"drop_role", "\"--for alice\"", ""}};
    EXPECT_EQ(parsed(odd), (std::vector<NeededApproval>{
                               {"drop_table", odd[0].obj}, {"drop_column", odd[1].obj}, {"drop_role", odd[2].obj}}));
}

TEST(NeededApprovals, RoleNamesOfAnyShape)
{
    EXPECT_EQ(parsed({{"drop_table", "public.orders", ""}}, "Ann Smith; x"),
              (std::vector<NeededApproval>{{"drop_table", "public.orders"}}));
}

TEST(NeededApprovals, ObjectsOverTheServersLimitAreCounted)
{
    auto refusal = redline::refuse_unapproved("DROP OWNED", "alice",
                                              {{"drop_table", "public.a", ""}, {"more", "3 more objects", ""}});
    auto out = parse_approval_hint(refusal.hint, "alice");
    ASSERT_TRUE(out) << refusal.hint;
    EXPECT_EQ(out->approvals, (std::vector<NeededApproval>{{"drop_table", "public.a"}}));
    EXPECT_EQ(out->unlisted, 3u);
}

TEST(NeededApprovals, ALargeRewritesRefusal)
{
    redline::LargeDdl ddl{"ALTER TABLE", "public.events", "ACCESS EXCLUSIVE", true, 5LL << 30, 51.2, 1, 100LL << 20};
    auto refusal = redline::refuse_large_ddl(ddl, "alice", "");
    auto out = parse_approval_hint(refusal.hint, "alice");
    ASSERT_TRUE(out) << refusal.hint;
    EXPECT_EQ(out->approvals, (std::vector<NeededApproval>{{"rewrite", "public.events"}}));
}

TEST(NeededApprovals, AnythingElseIsNotUnderstood)
{
    EXPECT_FALSE(parse_approval_hint("", "alice"));
    EXPECT_FALSE(parse_approval_hint("Unlock this session with a session token", "alice"));
    auto refusal = redline::refuse_unapproved("DROP TABLE", "alice", {{"drop_table", "public.orders", ""}});
    EXPECT_FALSE(parse_approval_hint(refusal.hint, "bob")) << "the server named another role";
    EXPECT_FALSE(parse_approval_hint("Ask an approver to run redline approve PROFILE --op DROP --object x --for alice "
                                     "and send you the token",
                                     "alice"));
}

TEST(ApproveCommand, OneLinePerObjectReadyForAShell)
{
    EXPECT_EQ(approve_command("PROFILE", {"drop_table", "public.orders"}, "alice"),
              "redline approve PROFILE --op drop_table --object public.orders --for alice");
    EXPECT_EQ(approve_command("PROFILE", {"drop_table", "public.\"Order Items\""}, "alice"),
              "redline approve PROFILE --op drop_table --object 'public.\"Order Items\"' --for alice");
    EXPECT_EQ(approve_command("prod-bob", {"drop_role", "o'brien"}, "Ann Smith"),
              "redline approve prod-bob --op drop_role --object 'o'\\''brien' --for 'Ann Smith'");
}

TEST(ApproveCommand, ShellWords)
{
    EXPECT_EQ(shell_word("public.orders_2026-01"), "public.orders_2026-01");
    EXPECT_EQ(shell_word(""), "''");
    EXPECT_EQ(shell_word("a$b"), "'a$b'");
    EXPECT_EQ(shell_word("a;b"), "'a;b'");
    EXPECT_EQ(shell_word("*"), "'*'");
    EXPECT_EQ(shell_word("it's"), "'it'\\''s'");
}

} // namespace
