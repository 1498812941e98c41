// Tests that passwords written in SQL never reach the audit log: the literal after the
// keyword PASSWORD is overwritten in place, whatever its quoting, and nothing else is.
#include "redact.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

std::string masked(std::string text)
{
    redline::mask_passwords(text.data());
    return text;
}

TEST(MaskPasswords, PlainEscapedAndDollarQuotedLiterals)
{
    EXPECT_EQ(masked("CREATE ROLE bob LOGIN PASSWORD 'hunter2'"), "CREATE ROLE bob LOGIN PASSWORD '*******'");
    EXPECT_EQ(masked("alter user bob password 'it''s'"), "alter user bob password '*****'");
    EXPECT_EQ(masked("ALTER ROLE bob PASSWORD E'a\\'b' VALID UNTIL 'infinity'"),
              "ALTER ROLE bob PASSWORD E'****' VALID UNTIL 'infinity'");
    EXPECT_EQ(masked("CREATE ROLE x PASSWORD $pw$sec'ret$pw$ LOGIN"), "CREATE ROLE x PASSWORD $pw$*******$pw$ LOGIN");
    EXPECT_EQ(masked("CREATE USER MAPPING FOR bob SERVER s OPTIONS (user 'bob', password 'pw')"),
              "CREATE USER MAPPING FOR bob SERVER s OPTIONS (user 'bob', password '**')");
}

TEST(MaskPasswords, LeavesOtherTextAlone)
{
    EXPECT_EQ(masked("UPDATE users SET password = 'x' WHERE id = 1"), "UPDATE users SET password = 'x' WHERE id = 1");
    EXPECT_EQ(masked("SELECT password_hash FROM t WHERE note = 'password'"),
              "SELECT password_hash FROM t WHERE note = 'password'");
    EXPECT_EQ(masked("ALTER ROLE bob PASSWORD NULL"), "ALTER ROLE bob PASSWORD NULL");
    EXPECT_FALSE(redline::mask_passwords(nullptr));
}

TEST(MaskPasswords, UnterminatedLiteralsAreMaskedToTheEnd)
{
    EXPECT_EQ(masked("CREATE ROLE a PASSWORD 'abc"), "CREATE ROLE a PASSWORD '***");
    EXPECT_EQ(masked("CREATE ROLE a PASSWORD $$abc"), "CREATE ROLE a PASSWORD $$***");
}

} // namespace
