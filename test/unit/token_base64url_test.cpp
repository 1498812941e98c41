// Tests unpadded base64url: the RFC 4648 examples, the URL-safe alphabet, and that decoding
// accepts exactly one spelling of each byte string.
#include "base64url.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace {

using redline::token::base64url_decode;
using redline::token::base64url_decode_exact;
using redline::token::base64url_encode;
using redline::token::base64url_encoded_size;

const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// RFC 4648 section 10, without the padding.
TEST(Base64url, RfcExamples)
{
    const std::pair<const char *, const char *> examples[] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    for (auto [plain, encoded] : examples) {
        EXPECT_EQ(base64url_encode(plain), encoded);
        EXPECT_EQ(base64url_decode(encoded), plain);
        EXPECT_EQ(base64url_encoded_size(std::string(plain).size()), std::string(encoded).size());
    }
}

TEST(Base64url, UsesTheUrlSafeAlphabet)
{
    std::string bytes;
    for (int i = 0; i < 64; ++i) {
        // Three bytes per sextet pattern: 0b000000, then each value in turn in the top sextet.
        unsigned v = static_cast<unsigned>(i);
        bytes.push_back(static_cast<char>(v << 2));
        bytes.push_back('\0');
        bytes.push_back('\0');
    }
    auto encoded = base64url_encode(bytes);
    ASSERT_TRUE(encoded);
    for (std::size_t i = 0; i < 64; ++i)
        EXPECT_EQ((*encoded)[4 * i], alphabet[i]) << i;
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
}

TEST(Base64url, EveryOneAndTwoByteStringRoundTrips)
{
    for (int a = 0; a < 256; ++a) {
        std::string one(1, static_cast<char>(a));
        ASSERT_EQ(base64url_decode(*base64url_encode(one)), one);
        for (int b = 0; b < 256; ++b) {
            std::string two{static_cast<char>(a), static_cast<char>(b)};
            ASSERT_EQ(base64url_decode(*base64url_encode(two)), two);
        }
    }
}

TEST(Base64url, LongerStringsRoundTrip)
{
    std::string bytes;
    for (int i = 0; i < 300; ++i) {
        ASSERT_EQ(base64url_decode(*base64url_encode(bytes)), bytes) << bytes.size();
        bytes.push_back(static_cast<char>((i * 131 + 7) & 0xff));
    }
}

// Whatever decodes must be what the encoder writes for those bytes: no second spelling.
TEST(Base64url, EveryShortTextThatDecodesIsCanonical)
{
    std::size_t accepted = 0;
    for (char a : alphabet)
        for (char b : alphabet) {
            std::string two{a, b};
            if (auto bytes = base64url_decode(two)) {
                ++accepted;
                ASSERT_EQ(base64url_encode(*bytes), two);
            }
            for (char c : alphabet) {
                std::string three{a, b, c};
                if (auto bytes = base64url_decode(three)) {
                    ++accepted;
                    ASSERT_EQ(base64url_encode(*bytes), three);
                }
            }
        }
    // Exactly one spelling for each of the 256 one-byte and 65536 two-byte strings.
    EXPECT_EQ(accepted, 256u + 65536u);
}

TEST(Base64url, RefusesNonCanonicalTrailingBits)
{
    EXPECT_EQ(base64url_decode("Zg"), "f");
    for (const char *text : {"Zh", "Zi", "Zj", "Zv", "Zm9", "Zm-", "Zm_", "Zm9vYh", "Zm9vYmF"})
        EXPECT_FALSE(base64url_decode(text)) << text;
}

TEST(Base64url, RefusesPaddingWhitespaceAndOtherCharacters)
{
    for (const char *text : {"Zg==", "Zg=", "Zm8=", "Zm9v====", "=", " Zm9v", "Zm9v ", "Zm9v\n", "Zm\n9v", "Zm 9v",
                             "Zm9v\t", "Zm9v\r\n", "+/8", "Zm+v", "Zm/v", "Zm9v.", "Zm9v*", "Zm9v%", "Zm9v\xc3\xa9"})
        EXPECT_FALSE(base64url_decode(text)) << '"' << text << '"';
    EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4)));
    for (int c = 0; c < 256; ++c) {
        std::string text = "Zm9" + std::string(1, static_cast<char>(c));
        bool in_alphabet = alphabet.find(static_cast<char>(c)) != std::string::npos;
        EXPECT_EQ(base64url_decode(text).has_value(), in_alphabet) << c;
    }
}

TEST(Base64url, RefusesLengthsNoEncodingHas)
{
    for (const char *text : {"Z", "Zm9vY", "Zm9vYmFyZ", "AAAAA"})
        EXPECT_FALSE(base64url_decode(text)) << text;
}

TEST(Base64url, ExactDecodingWantsExactlyTheSize)
{
    std::array<unsigned char, 3> out{};
    EXPECT_TRUE(base64url_decode_exact("Zm9v", out.data(), out.size()));
    EXPECT_EQ(std::string(out.begin(), out.end()), "foo");

    out = {1, 2, 3};
    EXPECT_FALSE(base64url_decode_exact("Zm8", out.data(), out.size()));
    EXPECT_EQ(out, (std::array<unsigned char, 3>{0, 0, 0}));
    out = {1, 2, 3};
    EXPECT_FALSE(base64url_decode_exact("Zm9vYg", out.data(), out.size()));
    EXPECT_EQ(out, (std::array<unsigned char, 3>{0, 0, 0}));
    out = {1, 2, 3};
    EXPECT_FALSE(base64url_decode_exact("Zm9=", out.data(), out.size()));
    EXPECT_EQ(out, (std::array<unsigned char, 3>{0, 0, 0}));
}

} // namespace
