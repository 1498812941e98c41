// Tests PASETO v4.public: the official vectors, exact re-signing, tampering with every
// character and bit, malformed, truncated and oversized tokens, and the footer peek.
#include "base64url.hpp"
#include "keys.hpp"
#include "paseto.hpp"
#include "token_test_support.hpp"

#include <openssl/err.h>

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace redline::token;
using token_test::from_hex;
using token_test::key_from_hex;
using token_test::read_vectors;

// The key pair of the official 4-S vectors.
const char *const vector_public_hex = "1eb9dbbbbc047c03fd70604e0071f0987e16b28b757225c11f00415d0e20b1a2";
const char *const vector_secret_hex = "b4cbfb43df4ce210727d953e4a713307fa19bb7d9f85041438d9e11b942a3774"
                                      "1eb9dbbbbc047c03fd70604e0071f0987e16b28b757225c11f00415d0e20b1a2";

PublicKey vector_public() { return key_from_hex<PublicKey>(vector_public_hex); }
SecretKey vector_secret() { return key_from_hex<SecretKey>(vector_secret_hex); }

std::string make_token(std::string_view message, std::string_view footer = {}, std::string_view assertion = {})
{
    auto signed_token = sign(vector_secret(), message, footer, assertion);
    EXPECT_TRUE(signed_token.ok()) << describe(signed_token.error);
    return signed_token.token;
}

// "v4.public." followed by base64url of arbitrary bytes, for payloads no signer would make.
std::string token_with_payload(std::string_view bytes, std::string_view footer_part = {})
{
    std::string token = "v4.public." + *base64url_encode(bytes);
    if (!footer_part.empty())
        token += "." + std::string(footer_part);
    return token;
}

TEST(Pae, MatchesTheSpecificationExamples)
{
    EXPECT_EQ(pae({}), std::string(8, '\0'));
    EXPECT_EQ(pae({""}), std::string("\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16));
    EXPECT_EQ(pae({"test"}), std::string("\x01\0\0\0\0\0\0\0\x04\0\0\0\0\0\0\0test", 20));
    EXPECT_EQ(pae({"a", "bc"}), std::string("\x02\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0a\x02\0\0\0\0\0\0\0bc", 27));
}

TEST(PasetoVectors, SharedV4PublicVectorsVerifyAndResign)
{
    auto vectors = read_vectors(PASETO_V4_PUBLIC_VECTORS);
    ASSERT_FALSE(vectors.at("tests").empty());
    for (const auto &test : vectors.at("tests")) {
        SCOPED_TRACE(test.at("name").get<std::string>());
        auto public_key = key_from_hex<PublicKey>(test.at("public-key").get<std::string>());
        auto secret_key = key_from_hex<SecretKey>(test.at("secret-key").get<std::string>());
        std::string token = test.at("token");
        std::string assertion = test.at("implicit-assertion");

        auto result = verify(public_key, token, assertion);
        if (test.at("expect-fail").get<bool>()) {
            EXPECT_FALSE(result.ok());
            continue;
        }
        ASSERT_TRUE(result.ok()) << describe(result.error);
        std::string footer = test.at("footer");
        EXPECT_EQ(result.message, test.at("payload").get<std::string>());
        EXPECT_EQ(result.footer, footer);
        EXPECT_TRUE(verify(public_key, token, assertion, footer).ok());

        // Ed25519 is deterministic: the same inputs must give the very same token.
        auto resigned = sign(secret_key, result.message, footer, assertion);
        ASSERT_TRUE(resigned.ok()) << describe(resigned.error);
        EXPECT_EQ(resigned.token, token);

        auto peeked = peek_footer(token);
        ASSERT_TRUE(peeked.ok()) << describe(peeked.error);
        EXPECT_EQ(peeked.footer, footer);
    }
}

// The official failure cases of version 4, and every v4.local token of the set: a public
// verifier must refuse them all, whichever key it holds.
TEST(PasetoVectors, OfficialFailuresAndLocalTokensAreRefused)
{
    auto vectors = read_vectors(std::string(TOKEN_VECTORS_DIR) + "/v4.json");
    int refused = 0;
    for (const auto &test : vectors.at("tests")) {
        std::string name = test.at("name");
        std::string token = test.at("token");
        SCOPED_TRACE(name);
        std::string assertion = test.value("implicit-assertion", "");
        bool is_public = token.rfind("v4.public.", 0) == 0;
        if (is_public && !test.at("expect-fail").get<bool>())
            continue; // 4-S-*, covered by the shared vectors above
        auto result = verify(vector_public(), token, assertion);
        EXPECT_FALSE(result.ok());
        if (token.rfind("v4.local.", 0) == 0) {
            EXPECT_EQ(result.error, PasetoError::wrong_purpose);
        } else if (token.rfind("v3.", 0) == 0) {
            EXPECT_EQ(result.error, PasetoError::wrong_version);
        } else if (is_public) {
            // 4-F-2 is a public token signed by no key of this set: its signature fails.
            EXPECT_EQ(result.error, PasetoError::bad_signature);
        }
        ++refused;
    }
    EXPECT_GE(refused, 5);
}

TEST(Paseto, SignsAndVerifiesWithAGeneratedKey)
{
    auto pair = generate_keypair();
    ASSERT_TRUE(pair);
    auto token = sign(pair->secret, R"({"sub":"alice"})", R"({"kid":"k"})", "cluster 1");
    ASSERT_TRUE(token.ok());
    auto result = verify(pair->public_key, token.token, "cluster 1");
    ASSERT_TRUE(result.ok()) << describe(result.error);
    EXPECT_EQ(result.message, R"({"sub":"alice"})");
    EXPECT_EQ(result.footer, R"({"kid":"k"})");

    EXPECT_EQ(verify(pair->public_key, token.token, "cluster 2").error, PasetoError::bad_signature);
    EXPECT_EQ(verify(pair->public_key, token.token).error, PasetoError::bad_signature);
    EXPECT_EQ(verify(vector_public(), token.token, "cluster 1").error, PasetoError::bad_signature);
}

TEST(Paseto, ChecksTheExpectedFooterWhenGiven)
{
    std::string with_footer = make_token("{}", R"({"kid":"a"})");
    std::string without_footer = make_token("{}");
    EXPECT_TRUE(verify(vector_public(), with_footer, {}, R"({"kid":"a"})").ok());
    EXPECT_EQ(verify(vector_public(), with_footer, {}, R"({"kid":"b"})").error, PasetoError::footer_mismatch);
    EXPECT_EQ(verify(vector_public(), with_footer, {}, "").error, PasetoError::footer_mismatch);
    EXPECT_EQ(verify(vector_public(), without_footer, {}, R"({"kid":"a"})").error, PasetoError::footer_mismatch);
    EXPECT_TRUE(verify(vector_public(), without_footer, {}, "").ok());
}

TEST(Paseto, RefusesMalformedTokens)
{
    std::string good = make_token(R"({"a":1})", R"({"kid":"k"})");
    std::string dot = good.substr(good.rfind('.'));     // ".<footer>"
    std::string body = good.substr(0, good.rfind('.')); // without the footer
    std::string payload = body.substr(std::string("v4.public.").size());
    struct Case {
        std::string token;
        PasetoError error;
    };
    const Case cases[] = {
        {"", PasetoError::malformed},
        {"v4", PasetoError::malformed},
        {"v4.", PasetoError::malformed},
        {"v4.public", PasetoError::malformed},
        {"v4.public.", PasetoError::malformed},
        {"v4.public.." + dot.substr(1), PasetoError::malformed},
        {body + ".", PasetoError::malformed},
        {good + ".", PasetoError::malformed},
        {good + dot, PasetoError::malformed},
        {body + ".." + dot.substr(1), PasetoError::malformed},
        {"v3.public." + payload, PasetoError::wrong_version},
        {"v2.public." + payload, PasetoError::wrong_version},
        {"V4.public." + payload, PasetoError::wrong_version},
        {"v4x.public." + payload, PasetoError::wrong_version},
        {".public." + payload, PasetoError::wrong_version},
        {" v4.public." + payload, PasetoError::wrong_version},
        {"v4.local." + payload, PasetoError::wrong_purpose},
        {"v4.secret." + payload, PasetoError::wrong_purpose},
        {"v4.Public." + payload, PasetoError::wrong_purpose},
        {"v4..public." + payload, PasetoError::wrong_purpose},
        {"v4.public." + payload + "=", PasetoError::bad_encoding},
        {"v4.public." + payload + "==", PasetoError::bad_encoding},
        {"v4.public." + payload + "\n", PasetoError::bad_encoding},
        {"v4.public. " + payload, PasetoError::bad_encoding},
        {"v4.public." + payload.substr(0, 10) + "+" + payload.substr(11), PasetoError::bad_encoding},
        {"v4.public." + payload.substr(0, 10) + "/" + payload.substr(11), PasetoError::bad_encoding},
        {body + dot + "=", PasetoError::bad_encoding},
        {body + ".!!", PasetoError::bad_encoding},
        {token_with_payload(std::string(63, 'x')), PasetoError::too_short},
        {token_with_payload(std::string(1, 'x')), PasetoError::too_short},
        {token_with_payload(std::string(64, 'x')), PasetoError::empty_message},
        {token_with_payload(std::string(65, 'x')), PasetoError::bad_signature},
        {token_with_payload(std::string(64, 'x'), dot.substr(1)), PasetoError::empty_message},
    };
    for (const auto &c : cases) {
        auto result = verify(vector_public(), c.token);
        EXPECT_EQ(result.error, c.error) << '"' << c.token << "\": " << describe(result.error);
        EXPECT_TRUE(result.message.empty());
        auto peeked = peek_footer(c.token);
        if (c.error == PasetoError::bad_signature) {
            EXPECT_TRUE(peeked.ok()) << c.token;
        } else {
            EXPECT_EQ(peeked.error, c.error) << '"' << c.token << '"';
        }
    }
}

TEST(Paseto, RefusesEveryTruncation)
{
    std::string good = make_token(R"({"a":1})", R"({"kid":"k"})");
    ASSERT_TRUE(verify(vector_public(), good).ok());
    for (std::size_t length = 0; length < good.size(); ++length)
        EXPECT_FALSE(verify(vector_public(), good.substr(0, length)).ok()) << length;
    for (std::size_t start = 1; start < good.size(); ++start)
        EXPECT_FALSE(verify(vector_public(), good.substr(start)).ok()) << start;
}

TEST(Paseto, RefusesOversizedTokens)
{
    EXPECT_EQ(verify(vector_public(), std::string(max_token_size + 1, 'A')).error, PasetoError::too_long);
    EXPECT_EQ(peek_footer(std::string(max_token_size + 1, 'A')).error, PasetoError::too_long);
    EXPECT_EQ(verify(vector_public(), "v4.public." + std::string(max_token_size, 'A')).error, PasetoError::too_long);

    // The largest message that fits: 10 header characters and a payload of whole groups.
    std::size_t payload_chars = max_token_size - 10;
    std::size_t fitting = payload_chars / 4 * 3 - signature_size;
    auto at_limit = sign(vector_secret(), std::string(fitting, 'm'));
    ASSERT_TRUE(at_limit.ok()) << describe(at_limit.error);
    EXPECT_LE(at_limit.token.size(), max_token_size);
    EXPECT_TRUE(verify(vector_public(), at_limit.token).ok());
    // Signing refuses what verification would refuse.
    EXPECT_EQ(sign(vector_secret(), std::string(fitting + 3, 'm')).error, PasetoError::too_long);
    EXPECT_EQ(sign(vector_secret(), "{}", std::string(max_token_size, 'f')).error, PasetoError::too_long);
}

// Strict decoding means a changed character either changes the decoded bytes (and the
// signature fails) or is not valid base64url: no single-character change may survive.
TEST(Paseto, RefusesEverySingleCharacterChange)
{
    std::string good = make_token(R"({"a":1})", R"({"kid":"k"})");
    const std::string replacements = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \n";
    int tried = 0;
    for (std::size_t i = 0; i < good.size(); ++i)
        for (char r : replacements) {
            if (r == good[i])
                continue;
            std::string tampered = good;
            tampered[i] = r;
            ASSERT_FALSE(verify(vector_public(), tampered).ok()) << "position " << i << " to '" << r << "'";
            ++tried;
        }
    EXPECT_GT(tried, 5000);
}

// Every bit of the signed message, the signature and the footer, re-encoded canonically so
// that only the signature check stands between the change and acceptance.
TEST(Paseto, RefusesEveryBitFlip)
{
    std::string good = make_token(R"({"a":1})", R"({"kid":"k"})");
    std::string body = good.substr(10, good.rfind('.') - 10);
    std::string payload = *base64url_decode(body);
    std::string footer = *base64url_decode(good.substr(good.rfind('.') + 1));
    for (std::size_t i = 0; i < payload.size(); ++i)
        for (int bit = 0; bit < 8; ++bit) {
            std::string changed = payload;
            changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
            std::string tampered = "v4.public." + *base64url_encode(changed) + "." + *base64url_encode(footer);
            auto result = verify(vector_public(), tampered);
            ASSERT_EQ(result.error, PasetoError::bad_signature) << "payload byte " << i << " bit " << bit;
        }
    for (std::size_t i = 0; i < footer.size(); ++i)
        for (int bit = 0; bit < 8; ++bit) {
            std::string changed = footer;
            changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
            std::string tampered = "v4.public." + body + "." + *base64url_encode(changed);
            ASSERT_EQ(verify(vector_public(), tampered).error, PasetoError::bad_signature)
                << "footer byte " << i << " bit " << bit;
        }
    // Dropping the footer, or moving bytes between message and footer, changes PAE's input.
    EXPECT_EQ(verify(vector_public(), "v4.public." + body).error, PasetoError::bad_signature);
}

TEST(Paseto, PeekFooterReadsWithoutAKeyButTrustsNothing)
{
    std::string good = make_token(R"({"a":1})", R"({"kid":"k4.pid.x"})");
    auto peeked = peek_footer(good);
    ASSERT_TRUE(peeked.ok());
    EXPECT_EQ(peeked.footer, R"({"kid":"k4.pid.x"})");

    auto none = peek_footer(make_token(R"({"a":1})"));
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none.footer, "");

    // A forged footer is read back as it is: only verify() may decide the token is good.
    std::string body = good.substr(0, good.rfind('.'));
    std::string forged = body + "." + *base64url_encode(R"({"kid":"someone else"})");
    EXPECT_EQ(peek_footer(forged).footer, R"({"kid":"someone else"})");
    EXPECT_EQ(verify(vector_public(), forged).error, PasetoError::bad_signature);
}

TEST(Paseto, SigningRefusesAnInconsistentSecretKeyAndEmptyMessages)
{
    SecretKey mismatched = vector_secret();
    mismatched.bytes[40] ^= 1;
    EXPECT_EQ(sign(mismatched, "{}").error, PasetoError::bad_key);
    EXPECT_EQ(sign(vector_secret(), "").error, PasetoError::empty_message);
}

TEST(Paseto, FailuresLeaveTheOpenSslErrorQueueAsItWas)
{
    ERR_clear_error();
    std::string good = make_token(R"({"a":1})");
    std::string tampered = good;
    tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify(vector_public(), tampered).ok());
    SecretKey mismatched = vector_secret();
    mismatched.bytes[40] ^= 1;
    EXPECT_FALSE(sign(mismatched, "{}").ok());
    PublicKey not_a_point;
    not_a_point.bytes.fill(0xff);
    EXPECT_FALSE(verify(not_a_point, good).ok());
    EXPECT_EQ(ERR_peek_error(), 0u);

    // An error someone else left is theirs: it stays, and nothing is added after it.
    ERR_raise(ERR_LIB_USER, 42);
    unsigned long theirs = ERR_peek_last_error();
    EXPECT_FALSE(verify(vector_public(), tampered).ok());
    EXPECT_FALSE(sign(mismatched, "{}").ok());
    EXPECT_EQ(ERR_get_error(), theirs);
    EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(Paseto, EveryErrorHasADescription)
{
    for (auto error :
         {PasetoError::none, PasetoError::too_long, PasetoError::malformed, PasetoError::wrong_version,
          PasetoError::wrong_purpose, PasetoError::bad_encoding, PasetoError::too_short, PasetoError::empty_message,
          PasetoError::footer_mismatch, PasetoError::bad_signature, PasetoError::bad_key, PasetoError::internal})
        EXPECT_GT(std::string(describe(error)).size(), 5u);
}

} // namespace
