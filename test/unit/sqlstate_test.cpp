// Tests redline's SQLSTATEs and their packing into the integer PostgreSQL's errcode() takes:
// a wrong packing would make clients see a different code from the documented one.
#include "sqlstate.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

// Usable where PostgreSQL needs a constant, e.g. in a switch on sqlerrcode.
static_assert(redline::pg_sqlstate("22012") == 33816706);

// Expected values are PostgreSQL 15's own: ERRCODE_* from utils/errcodes.h and
// MAKE_SQLSTATE from utils/elog.h, evaluated by a C compiler.
TEST(PgSqlstate, MatchesPostgresqlErrcodes)
{
    EXPECT_EQ(redline::pg_sqlstate("00000"), 0);        // ERRCODE_SUCCESSFUL_COMPLETION
    EXPECT_EQ(redline::pg_sqlstate("22012"), 33816706); // ERRCODE_DIVISION_BY_ZERO
    EXPECT_EQ(redline::pg_sqlstate("23505"), 83906754); // ERRCODE_UNIQUE_VIOLATION
    EXPECT_EQ(redline::pg_sqlstate("RL001"), 16779042); // MAKE_SQLSTATE('R','L','0','0','1')
    EXPECT_EQ(redline::pg_sqlstate("RL003"), 50333474); // MAKE_SQLSTATE('R','L','0','0','3')
}

TEST(PgSqlstate, PacksSixBitsPerCharacterFirstCharacterLowest)
{
    int expected = 0;
    const char code[] = "RL002";
    for (int i = 0; i < 5; ++i)
        expected |= ((code[i] - '0') & 0x3F) << (6 * i);
    EXPECT_EQ(redline::pg_sqlstate(code), expected);
}

TEST(RedlineSqlstates, AreDistinctCodesOfClassRL)
{
    const std::string codes[] = {redline::sqlstate::internal,       redline::sqlstate::unqualified_write,
                                 redline::sqlstate::row_budget,     redline::sqlstate::row_count_mismatch,
                                 redline::sqlstate::session_locked, redline::sqlstate::token_refused,
                                 redline::sqlstate::connect_gate};
    std::set<int> packed;
    for (const auto &code : codes) {
        EXPECT_EQ(code.size(), 5u) << code;
        EXPECT_EQ(code.substr(0, 2), "RL") << code;
        packed.insert(redline::pg_sqlstate(code.c_str()));
    }
    EXPECT_EQ(packed.size(), std::size(codes));
}

// Clients and scripts match on these strings: a published code never changes meaning.
TEST(RedlineSqlstates, KeepTheirPublishedValues)
{
    EXPECT_STREQ(redline::sqlstate::internal, "RL000");
    EXPECT_STREQ(redline::sqlstate::unqualified_write, "RL001");
    EXPECT_STREQ(redline::sqlstate::row_budget, "RL002");
    EXPECT_STREQ(redline::sqlstate::row_count_mismatch, "RL003");
}

} // namespace
