// Tests the token footer {"kid":"..."}: what the server reads before it knows the key, so
// anything but a small flat object with one string kid is refused.
#include "footer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace redline::token;

TEST(Footer, ReadsTheKeyId)
{
    auto footer = parse_footer(R"({"kid":"k4.pid.S_XQmeEwHbbvRmiyfXfHYpLGjXGzjTRSDoT1YtTakWFE"})");
    ASSERT_TRUE(footer.ok());
    EXPECT_EQ(footer.kid, "k4.pid.S_XQmeEwHbbvRmiyfXfHYpLGjXGzjTRSDoT1YtTakWFE");

    // The footer of the official vector 4-S-2, and members other tools add.
    EXPECT_EQ(parse_footer(R"({"kid":"zVhMiPBP9fRf2snEcT7gFTioeA9COcNy9DfgL1W60haN"})").kid,
              "zVhMiPBP9fRf2snEcT7gFTioeA9COcNy9DfgL1W60haN");
    EXPECT_EQ(parse_footer(R"({"wpk":"k4.local-wrap.pie.x", "kid" : "a"})").kid, "a");
}

TEST(Footer, KidMustBeAPresentNonEmptyShortString)
{
    struct Case {
        std::string json;
        ClaimError error;
        const char *claim;
    };
    const Case cases[] = {
        {"{}", ClaimError::missing, "kid"},
        {R"({"KID":"a"})", ClaimError::missing, "kid"},
        {R"({"kid":null})", ClaimError::wrong_type, "kid"},
        {R"({"kid":1})", ClaimError::wrong_type, "kid"},
        {R"({"kid":true})", ClaimError::wrong_type, "kid"},
        {R"({"kid":""})", ClaimError::bad_value, "kid"},
        {R"({"kid":"a\nb"})", ClaimError::bad_value, "kid"},
        {R"({"kid":"a\u0000b"})", ClaimError::bad_value, "kid"},
        {R"({"kid":")" + std::string(max_kid_size + 1, 'a') + R"("})", ClaimError::too_long, "kid"},
        // Nested values: PASETO recommends one-dimensional footers.
        {R"({"kid":["a"]})", ClaimError::not_json, ""},
        {R"({"kid":{"id":"a"}})", ClaimError::not_json, ""},
        {R"({"kid":"a","x":{}})", ClaimError::not_json, ""},
        {R"({"kid":"a","kid":"b"})", ClaimError::not_json, ""},
        {R"([{"kid":"a"}])", ClaimError::not_json, ""},
        {"", ClaimError::not_json, ""},
        {"kid", ClaimError::not_json, ""},
        {R"({"kid":"a"} )" + std::string(2000, ' '), ClaimError::not_json, ""},
        {"{\"kid\":\"\xff\"}", ClaimError::not_json, ""},
    };
    for (const auto &c : cases) {
        auto footer = parse_footer(c.json);
        EXPECT_EQ(footer.problem.error, c.error) << c.json;
        EXPECT_STREQ(footer.problem.claim, c.claim) << c.json;
        EXPECT_TRUE(footer.kid.empty());
    }
    EXPECT_TRUE(parse_footer(R"({"kid":")" + std::string(max_kid_size, 'a') + R"("})").ok());
}

TEST(Footer, SerializeRoundTripsAndRefusesBadKids)
{
    auto written = serialize_footer("k4.pid.abc");
    ASSERT_TRUE(written.ok());
    EXPECT_EQ(written.json, R"({"kid":"k4.pid.abc"})");
    EXPECT_EQ(parse_footer(written.json).kid, "k4.pid.abc");

    EXPECT_EQ(serialize_footer("").problem.error, ClaimError::bad_value);
    EXPECT_EQ(serialize_footer("a\xff").problem.error, ClaimError::bad_value);
    EXPECT_EQ(serialize_footer(std::string(max_kid_size + 1, 'a')).problem.error, ClaimError::too_long);
}

} // namespace
