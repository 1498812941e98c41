// Tests fresh token ids: 128 bits as 32 lower-case hex digits, a different one every time.
#include "token_id.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

TEST(TokenId, Is32LowerCaseHexDigits)
{
    auto id = redline::token::new_token_id();
    ASSERT_TRUE(id);
    EXPECT_EQ(id->size(), 32u);
    EXPECT_EQ(id->find_first_not_of("0123456789abcdef"), std::string::npos) << *id;
}

TEST(TokenId, NeverRepeats)
{
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto id = redline::token::new_token_id();
        ASSERT_TRUE(id);
        EXPECT_TRUE(seen.insert(*id).second) << *id;
    }
}

} // namespace
