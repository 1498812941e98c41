// Cutting a script into statements: semicolons inside quotes, comments, parentheses and
// function bodies do not end one; transaction control and DROP DATABASE are recognised
// behind comments and in any case.
#include "sql/statements.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace redline::cli;

std::vector<std::string> texts(std::string_view script)
{
    std::vector<std::string> out;
    for (const auto &s : split_statements(script))
        out.push_back(s.text);
    return out;
}

TEST(SplitStatements, AtSemicolons)
{
    EXPECT_EQ(texts("DROP TABLE a; DROP TABLE b;"), (std::vector<std::string>{"DROP TABLE a", "DROP TABLE b"}));
    EXPECT_EQ(texts("  DROP TABLE a  "), (std::vector<std::string>{"DROP TABLE a"}));
    EXPECT_EQ(texts(";; ;\n"), std::vector<std::string>{});
    EXPECT_EQ(texts(""), std::vector<std::string>{});
    EXPECT_EQ(texts("-- only a comment\n/* and another */"), std::vector<std::string>{});
}

TEST(SplitStatements, LinesAreWhereEachStatementStarts)
{
    auto statements = split_statements("-- migration\nCREATE TABLE t (a int);\n\n/* drop\n it */ DROP TABLE t;");
    ASSERT_EQ(statements.size(), 2u);
    EXPECT_EQ(statements[0].line, 2);
    EXPECT_EQ(statements[0].text, "CREATE TABLE t (a int)");
    EXPECT_EQ(statements[1].line, 5);
    EXPECT_EQ(statements[1].text, "DROP TABLE t");
}

TEST(SplitStatements, QuotesAndCommentsHoldSemicolons)
{
    EXPECT_EQ(texts("SELECT 'a;b', \"c;d\" FROM t; SELECT 2"),
              (std::vector<std::string>{"SELECT 'a;b', \"c;d\" FROM t", "SELECT 2"}));
    EXPECT_EQ(texts("SELECT 'it''s; fine'; SELECT 2"), (std::vector<std::string>{"SELECT 'it''s; fine'", "SELECT 2"}));
    EXPECT_EQ(texts("SELECT E'a\\';b'; SELECT 2"), (std::vector<std::string>{"SELECT E'a\\';b'", "SELECT 2"}));
    EXPECT_EQ(texts("SELECT 1 -- a; comment\n; SELECT 2"),
              (std::vector<std::string>{"SELECT 1 -- a; comment", "SELECT 2"}));
    EXPECT_EQ(texts("SELECT /* a; /* nested; */ still; */ 1; SELECT 2"),
              (std::vector<std::string>{"SELECT /* a; /* nested; */ still; */ 1", "SELECT 2"}));
}

TEST(SplitStatements, DollarQuotesAndParameters)
{
    EXPECT_EQ(texts("DO $$ BEGIN DROP TABLE a; END $$; SELECT 2"),
              (std::vector<std::string>{"DO $$ BEGIN DROP TABLE a; END $$", "SELECT 2"}));
    EXPECT_EQ(texts("DO $body$ x; $$ y; $body$; SELECT 2"),
              (std::vector<std::string>{"DO $body$ x; $$ y; $body$", "SELECT 2"}));
    EXPECT_EQ(texts("PREPARE p AS SELECT $1; SELECT a$b FROM t"),
              (std::vector<std::string>{"PREPARE p AS SELECT $1", "SELECT a$b FROM t"}));
}

TEST(SplitStatements, ParenthesesAndRoutineBodies)
{
    EXPECT_EQ(texts("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 3"),
              (std::vector<std::string>{"CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)", "SELECT 3"}));
    std::string body = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true "
                       "THEN 1 END; SELECT 2; END";
    EXPECT_EQ(texts(body + "; DROP FUNCTION f"), (std::vector<std::string>{body, "DROP FUNCTION f"}));
    EXPECT_EQ(texts("BEGIN; DROP TABLE a; END;"), (std::vector<std::string>{"BEGIN", "DROP TABLE a", "END"}))
        << "BEGIN ... END only nests in a routine's body";
}

TEST(SplitStatements, UnterminatedQuotesEndTheScript)
{
    EXPECT_EQ(texts("SELECT 1; SELECT 'open; DROP TABLE a"),
              (std::vector<std::string>{"SELECT 1", "SELECT 'open; DROP TABLE a"}));
}

TEST(SplitStatements, PsqlCommandsAreNotSql)
{
    try {
        split_statements("SELECT 1;\n\\set x 1\n");
        ADD_FAILURE() << "accepted a psql command";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find("line 2: \\set is a psql command"), std::string::npos) << e.what();
    }
    EXPECT_EQ(texts("SELECT '\\x'; SELECT E'\\\\'"), (std::vector<std::string>{"SELECT '\\x'", "SELECT E'\\\\'"}));
}

TEST(LeadingWords, SkipCommentsAndUpperCase)
{
    EXPECT_EQ(leading_words("  /* c */ -- d\n drop table x", 3), (std::vector<std::string>{"DROP", "TABLE", "X"}));
    EXPECT_EQ(leading_words("SELECT 1", 3), (std::vector<std::string>{"SELECT"}));
    EXPECT_EQ(leading_words("(SELECT 1)", 2), std::vector<std::string>{});
}

TEST(TransactionControl, EveryWayToEndOrSplitATransaction)
{
    for (const char *s : {"BEGIN", "begin work", "START TRANSACTION", "COMMIT", "commit and chain", "END", "ROLLBACK",
                          "ROLLBACK TO SAVEPOINT x", "ABORT", "SAVEPOINT x", "RELEASE x", "PREPARE TRANSACTION 'x'",
                          "/* x */ COMMIT", "-- x\ncommit"})
        EXPECT_TRUE(is_transaction_control(s)) << s;
    for (const char *s : {"PREPARE p AS SELECT 1", "DROP TABLE commit", "SELECT 'COMMIT'", "CALL p()",
                          "DO $$ BEGIN COMMIT; END $$", "\"commit\"", ""})
        EXPECT_FALSE(is_transaction_control(s)) << s;
}

TEST(DatabaseDrop, NameAsTheServerReadsIt)
{
    auto plain = database_drop("DROP DATABASE Shop");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->name, "shop");
    EXPECT_FALSE(plain->if_exists);
    auto quoted = database_drop("drop database if exists \"Shop \"\"DB\"\"\" WITH (FORCE)");
    ASSERT_TRUE(quoted);
    EXPECT_EQ(quoted->name, "Shop \"DB\"");
    EXPECT_TRUE(quoted->if_exists);
    auto named_if = database_drop("DROP DATABASE if");
    ASSERT_TRUE(named_if);
    EXPECT_EQ(named_if->name, "if");
    EXPECT_FALSE(database_drop("DROP TABLE shop"));
    EXPECT_FALSE(database_drop("DROP DATABASE"));
}

} // namespace
