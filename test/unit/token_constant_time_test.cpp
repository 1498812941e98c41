// Tests the constant-time comparison used for token ids, key ids and footers: it must at
// least be a correct comparison, including for empty and embedded-NUL strings.
#include "constant_time.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using redline::token::constant_time_equal;

TEST(ConstantTimeEqual, ComparesContentsAndLengths)
{
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("k4.pid.abc", "k4.pid.abc"));
    EXPECT_FALSE(constant_time_equal("k4.pid.abc", "k4.pid.abd"));
    EXPECT_FALSE(constant_time_equal("k4.pid.abc", "k4.pid.ab"));
    EXPECT_FALSE(constant_time_equal("", "a"));
    EXPECT_FALSE(constant_time_equal("a", ""));
    EXPECT_FALSE(constant_time_equal("xbc", "abc"));
    EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
    EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

} // namespace
