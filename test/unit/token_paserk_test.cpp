// Tests PASERK k4.public, k4.secret and k4.pid against the official vectors, strict parsing
// of each, and key generation.
#include "base64url.hpp"
#include "keys.hpp"
#include "paserk.hpp"
#include "paseto.hpp"
#include "token_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace redline::token;
using token_test::from_hex;
using token_test::key_from_hex;
using token_test::read_vectors;

nlohmann::json vectors(const char *file) { return read_vectors(std::string(TOKEN_VECTORS_DIR) + "/" + file); }

// A key the vectors mark as unusable (too short, or of another version) must not parse in
// any PASERK spelling: no PublicKey or SecretKey can then be made from it.
void expect_unparseable_key(const std::string &key_hex)
{
    std::string encoded = *base64url_encode(from_hex(key_hex));
    for (const char *prefix : {"k4.public.", "k3.public.", "k2.public.", "k1.public."})
        EXPECT_FALSE(parse_paserk_public(prefix + encoded)) << prefix;
    for (const char *prefix : {"k4.secret.", "k3.secret.", "k2.secret.", "k1.secret."})
        EXPECT_FALSE(parse_paserk_secret(prefix + encoded)) << prefix;
}

// Checks that each failure case of a PASERK vector file is unparseable, runs `check` on
// each success case, and returns how many there were.
template <typename Check>
int for_each_vector(const char *file, Check check)
{
    const auto set = vectors(file);
    int successes = 0;
    for (const auto &test : set.at("tests")) {
        SCOPED_TRACE(test.at("name").get<std::string>());
        if (test.at("expect-fail").get<bool>()) {
            expect_unparseable_key(test.at("key"));
        } else {
            check(test);
            ++successes;
        }
    }
    return successes;
}

TEST(PaserkVectors, K4Public)
{
    int passed = for_each_vector("k4.public.json", [](const nlohmann::json &test) {
        auto key = key_from_hex<PublicKey>(test.at("key").get<std::string>());
        std::string paserk = test.at("paserk");
        EXPECT_EQ(paserk_public(key), paserk);
        auto parsed = parse_paserk_public(paserk);
        ASSERT_TRUE(parsed);
        EXPECT_EQ(*parsed, key);
    });
    EXPECT_EQ(passed, 3);
}

TEST(PaserkVectors, K4Secret)
{
    int passed = for_each_vector("k4.secret.json", [](const nlohmann::json &test) {
        auto key = key_from_hex<SecretKey>(test.at("key").get<std::string>());
        std::string paserk = test.at("paserk");
        EXPECT_EQ(paserk_secret(key), paserk);
        auto parsed = parse_paserk_secret(paserk);
        ASSERT_TRUE(parsed);
        EXPECT_EQ(parsed->bytes, key.bytes);
        EXPECT_TRUE(secret_key_consistent(key));
        EXPECT_EQ(public_half(key), key_from_hex<PublicKey>(test.at("public-key").get<std::string>()));
    });
    EXPECT_EQ(passed, 3);
}

// The key id is BLAKE2b-264, which OpenSSL 3.0 cannot compute; these vectors are what shows
// that the libsodium-based implementation is the one PASERK specifies.
TEST(PaserkVectors, K4Pid)
{
    int passed = for_each_vector("k4.pid.json", [](const nlohmann::json &test) {
        auto key = key_from_hex<PublicKey>(test.at("key").get<std::string>());
        auto pid = paserk_pid(key);
        ASSERT_TRUE(pid);
        EXPECT_EQ(*pid, test.at("paserk").get<std::string>());
        EXPECT_EQ(pid->size(), 7u + 44u);
    });
    EXPECT_EQ(passed, 3);
}

TEST(Paserk, PublicParsingIsStrict)
{
    const std::string good = "k4.public.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8";
    ASSERT_TRUE(parse_paserk_public(good));
    const std::string body = good.substr(10);
    for (const std::string &text : {
             std::string(""),
             std::string("k4.public."),
             "k4.public" + body,
             "K4.public." + body,
             "k4.PUBLIC." + body,
             "k3.public." + body,
             "k4.secret." + body,
             "k4.local." + body,
             "k4.pid." + body,
             " k4.public." + body,
             good + " ",
             good + "\n",
             good + "=",
             good + "A",
             good.substr(0, good.size() - 1),
             good.substr(0, good.size() - 1) + "p", // non-zero trailing bits
             "k4.public." + body.substr(0, 20) + "+" + body.substr(21),
         })
        EXPECT_FALSE(parse_paserk_public(text)) << '"' << text << '"';
}

TEST(Paserk, SecretParsingIsStrictAndChecksTheKeyPair)
{
    const std::string good = "k4.secret.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8c5WpIyC_5kWKhS8VEYSZ05dYfuTF-"
                             "ZdQFV4D9vLTcNQ";
    ASSERT_TRUE(parse_paserk_secret(good));
    const std::string body = good.substr(10);
    for (const std::string &text : {
             std::string(""),
             "k4.secret" + body,
             "k4.public." + body,
             "k2.secret." + body,
             good + "\n",
             good + "==",
             good.substr(0, good.size() - 1),
         })
        EXPECT_FALSE(parse_paserk_secret(text)) << '"' << text << '"';

    // Right size and encoding, but the public half is not the seed's.
    auto key = *parse_paserk_secret(good);
    key.bytes[63] ^= 1;
    EXPECT_FALSE(secret_key_consistent(key));
    EXPECT_FALSE(parse_paserk_secret(*paserk_secret(key)));
    // A public key is never a secret one, and the other way round.
    EXPECT_FALSE(parse_paserk_secret(*paserk_public(public_half(*parse_paserk_secret(good)))));
    EXPECT_FALSE(parse_paserk_public(good));
}

TEST(Keys, GeneratedPairsAreConsistentAndDistinct)
{
    auto first = generate_keypair();
    auto second = generate_keypair();
    ASSERT_TRUE(first && second);
    EXPECT_TRUE(secret_key_consistent(first->secret));
    EXPECT_EQ(public_half(first->secret), first->public_key);
    EXPECT_NE(first->public_key, second->public_key);
    EXPECT_NE(first->secret.bytes, second->secret.bytes);

    auto secret_text = paserk_secret(first->secret);
    auto public_text = paserk_public(first->public_key);
    ASSERT_TRUE(secret_text && public_text);
    auto secret = parse_paserk_secret(*secret_text);
    auto public_key = parse_paserk_public(*public_text);
    ASSERT_TRUE(secret && public_key);

    auto token = sign(*secret, R"({"a":1})");
    ASSERT_TRUE(token.ok());
    EXPECT_TRUE(verify(*public_key, token.token).ok());
    EXPECT_FALSE(verify(second->public_key, token.token).ok());
    EXPECT_NE(paserk_pid(first->public_key), paserk_pid(second->public_key));
}

} // namespace
