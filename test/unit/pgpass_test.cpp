// The password file read by libpq's rules: fields, escapes, wildcards, comments, and which
// line serves a connection (the first that matches). Passwords are never kept.
#include "profiles/pgpass.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using redline::cli::describe_pgpass_line;
using redline::cli::first_pgpass_match;
using redline::cli::parse_pgpass;
using redline::cli::PgpassQuery;

TEST(Pgpass, ReadsTheFourFieldsAndSkipsThePassword)
{
    auto lines = parse_pgpass("db1.internal:5432:app:alice:s3cret\n");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].number, 1);
    EXPECT_EQ(lines[0].host, "db1.internal");
    EXPECT_EQ(lines[0].port, "5432");
    EXPECT_EQ(lines[0].database, "app");
    EXPECT_EQ(lines[0].user, "alice");
    EXPECT_FALSE(lines[0].has_wildcard());
    EXPECT_EQ(describe_pgpass_line(lines[0]), "db1.internal:5432:app:alice");
}

TEST(Pgpass, AStarAloneIsAWildcardAndAnEscapedStarIsAStar)
{
    auto lines = parse_pgpass("*:*:*:alice:pw\n\\*:5432:app:bob:pw\n");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_FALSE(lines[0].host.has_value());
    EXPECT_FALSE(lines[0].port.has_value());
    EXPECT_FALSE(lines[0].database.has_value());
    EXPECT_EQ(lines[0].user, "alice");
    EXPECT_TRUE(lines[0].has_wildcard());
    EXPECT_EQ(lines[1].host, "*");
    EXPECT_FALSE(lines[1].has_wildcard());
    EXPECT_EQ(describe_pgpass_line(lines[0]), "*:*:*:alice");
    EXPECT_EQ(describe_pgpass_line(lines[1]), "\\*:5432:app:bob");
}

TEST(Pgpass, BackslashEscapesColonsAndBackslashes)
{
    auto lines = parse_pgpass("h:5432:my\\:db:dom\\\\alice:pw:with:colons\n");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].database, "my:db");
    EXPECT_EQ(lines[0].user, "dom\\alice");
    EXPECT_EQ(describe_pgpass_line(lines[0]), "h:5432:my\\:db:dom\\\\alice");
}

TEST(Pgpass, CommentsBlankAndShortLinesAreSkippedButCounted)
{
    auto lines = parse_pgpass("# staging\n\nh:5432:app\r\n  # not a comment:1:2:3:4\nh:5432:app:alice:pw\r\n");
    ASSERT_EQ(lines.size(), 2u);
    // libpq only treats '#' in the first column as a comment.
    EXPECT_EQ(lines[0].number, 4);
    EXPECT_EQ(lines[0].host, "  # not a comment");
    EXPECT_EQ(lines[1].number, 5);
    EXPECT_EQ(lines[1].user, "alice");
}

TEST(Pgpass, AnEmptyPasswordStillMakesALine)
{
    auto lines = parse_pgpass("h:5432:app:alice:");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].user, "alice");
}

TEST(Pgpass, TheFirstMatchingLineServesTheConnection)
{
    auto lines = parse_pgpass("prod.internal:5432:*:alice:p1\n"
                              "*:*:*:alice:p2\n"
                              "stage.internal:5432:app:alice:p3\n");
    const auto *prod = first_pgpass_match(lines, PgpassQuery{"prod.internal", "5432", "app", "alice"});
    ASSERT_NE(prod, nullptr);
    EXPECT_EQ(prod->number, 1);
    // The wildcard line comes first for staging, so line 3 is never used.
    const auto *stage = first_pgpass_match(lines, PgpassQuery{"stage.internal", "5432", "app", "alice"});
    ASSERT_NE(stage, nullptr);
    EXPECT_EQ(stage->number, 2);
    EXPECT_EQ(first_pgpass_match(lines, PgpassQuery{"stage.internal", "5432", "app", "bob"}), nullptr);
}

TEST(Pgpass, MatchingIsExactAndCaseSensitive)
{
    auto lines = parse_pgpass("DB1:5432:app:alice:pw\n");
    EXPECT_EQ(first_pgpass_match(lines, PgpassQuery{"db1", "5432", "app", "alice"}), nullptr);
    EXPECT_EQ(first_pgpass_match(lines, PgpassQuery{"DB1", "5433", "app", "alice"}), nullptr);
    EXPECT_NE(first_pgpass_match(lines, PgpassQuery{"DB1", "5432", "app", "alice"}), nullptr);
}

TEST(Pgpass, ALiteralStarMatchesOnlyAStar)
{
    auto lines = parse_pgpass("\\*:5432:app:alice:pw\n");
    EXPECT_EQ(first_pgpass_match(lines, PgpassQuery{"db1", "5432", "app", "alice"}), nullptr);
    EXPECT_NE(first_pgpass_match(lines, PgpassQuery{"*", "5432", "app", "alice"}), nullptr);
}

} // namespace
