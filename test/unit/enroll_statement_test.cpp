// The statement redline enroll prints and runs: every value a SQL literal that stays one
// value whatever it holds, the label a key file carries, and the advice after a refusal.
#include "commands/enroll.hpp"
#include "sql/literal.hpp"

#include <gtest/gtest.h>

namespace {

using redline::cli::enroll_refusal_advice;
using redline::cli::enroll_statement;
using redline::cli::key_file_label;
using redline::cli::sql_literal;

constexpr const char *key = "k4.public.Xr0cTm9wZ5Jq3kLh8fBv2nWs4eYd6aUi1oPz7gCx0tA";

TEST(SqlLiteral, PlainTextIsQuoted) { EXPECT_EQ(sql_literal("alice"), "'alice'"); }

TEST(SqlLiteral, QuotesAreDoubled)
{
    EXPECT_EQ(sql_literal("o'brien"), "'o''brien'");
    EXPECT_EQ(sql_literal("'"), "''''");
    EXPECT_EQ(sql_literal("x'); DROP TABLE t; --"), "'x''); DROP TABLE t; --'");
}

TEST(SqlLiteral, ABackslashMakesAnEscapeString)
{
    // With standard_conforming_strings on or off, E'' reads the same.
    EXPECT_EQ(sql_literal("dom\\alice"), "E'dom\\\\alice'");
    EXPECT_EQ(sql_literal("a\\'b"), "E'a\\\\''b'");
}

TEST(SqlLiteral, EmptyAndUnicodeTextStayAsTheyAre)
{
    EXPECT_EQ(sql_literal(""), "''");
    EXPECT_EQ(sql_literal("Zoë's laptop"), "'Zoë''s laptop'");
}

TEST(EnrollStatement, IsTheCallADbaRuns)
{
    EXPECT_EQ(enroll_statement("alice", key, "laptop"),
              std::string("SELECT redline.enroll_key('alice', '") + key + "', 'laptop');");
}

TEST(EnrollStatement, QuotesInTheRoleAndLabelStayInside)
{
    EXPECT_EQ(enroll_statement("o'brien", key, "Bob's \"work\" laptop"),
              std::string("SELECT redline.enroll_key('o''brien', '") + key + "', 'Bob''s \"work\" laptop');");
    EXPECT_EQ(enroll_statement("alice", key, "c:\\keys"),
              std::string("SELECT redline.enroll_key('alice', '") + key + "', E'c:\\\\keys');");
}

TEST(KeyFileLabel, IsTheNameBeforeTheSuffix)
{
    EXPECT_EQ(key_file_label("/home/a/.config/redline/keys/laptop.k4.secret"), "laptop");
    EXPECT_EQ(key_file_label("dba-laptop.k4.secret"), "dba-laptop");
    EXPECT_EQ(key_file_label("/keys/work.key"), "work.key");
    EXPECT_EQ(key_file_label("/keys/.k4.secret"), ".k4.secret");
}

TEST(EnrollRefusalAdvice, SaysWhatToDoForEachRefusal)
{
    EXPECT_NE(enroll_refusal_advice("42501", "").find("ask a redline_admin"), std::string::npos);
    EXPECT_NE(enroll_refusal_advice("42501", "").find("run the statement below"), std::string::npos);
    EXPECT_NE(enroll_refusal_advice("3F000", "").find("CREATE EXTENSION redline"), std::string::npos);
    EXPECT_NE(enroll_refusal_advice("42883", "").find("CREATE EXTENSION redline"), std::string::npos);
    EXPECT_NE(enroll_refusal_advice("42704", "").find("CREATE ROLE"), std::string::npos);
    EXPECT_NE(enroll_refusal_advice("42710", "").find("redline keygen"), std::string::npos);
    EXPECT_NE(enroll_refusal_advice("55000", "").find("revoked"), std::string::npos);
    EXPECT_EQ(enroll_refusal_advice("XX000", "the server's hint"), "the server's hint");
    EXPECT_EQ(enroll_refusal_advice("", ""), "");
}

} // namespace
