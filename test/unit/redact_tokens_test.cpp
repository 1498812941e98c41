// Tests the token finder: every way a person or a script writes, mistypes or splits a token
// is masked in place (same length) and reported in the one form the parser reads, so the
// server can spend it; text that only resembles one is left alone.
#include "redact.hpp"
#include "signing/mint_token.hpp"
#include "store_format.hpp"
#include "token_check.hpp"

#include <keys.hpp>
#include <paserk.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace {

namespace token = redline::token;

struct Found {
    std::string text;
    std::size_t offset;
    bool complete;
    bool exact;
};

void collect(const redline::TokenSighting &s, void *context)
{
    static_cast<std::vector<Found> *>(context)->push_back(Found{s.text, s.offset, s.complete, s.exact});
}

struct Masked {
    std::string text;
    bool changed;
    std::vector<Found> found;
};

Masked mask(std::string text)
{
    Masked out;
    std::size_t before = text.size();
    out.changed = redline::mask_tokens(text.data(), collect, &out.found);
    EXPECT_EQ(text.size(), before) << "masking keeps the length";
    EXPECT_EQ(redline::has_token(text.c_str()), false) << "nothing left to mask in: " << text;
    out.text = text;
    return out;
}

std::string upper(std::string s)
{
    for (char &c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

class TokenFinder : public testing::Test {
protected:
    static void SetUpTestSuite()
    {
        auto pair = token::generate_keypair();
        ASSERT_TRUE(pair);
        pair_ = new token::KeyPair(*pair);
        redline::cli::SessionTokenRequest request;
        request.role = "alice";
        request.environment = "production";
        request.cluster_id = "7234123412341234123";
        request.now = 1795539600;
        request.ttl_seconds = 900;
        request.amr = {"fpt"};
        token_ = redline::cli::mint_session_token(pair_->secret, request);
        body_ = token_.substr(10);
        std::size_t dot = body_.find('.');
        payload_ = body_.substr(0, dot);
        footer_ = body_.substr(dot + 1);
    }
    static void TearDownTestSuite() { delete pair_; }

    // The text is masked, the token's characters are gone from it, and the one token found
    // is this test's token.
    static Masked expect_found(const std::string &text, bool exact = false)
    {
        Masked m = mask(text);
        EXPECT_TRUE(m.changed) << text;
        EXPECT_EQ(m.text.find(payload_.substr(0, 12)), std::string::npos) << m.text;
        EXPECT_EQ(m.text.find(payload_.substr(payload_.size() - 12)), std::string::npos) << m.text;
        EXPECT_EQ(m.text.find(footer_.substr(footer_.size() - 12)), std::string::npos) << m.text;
        EXPECT_EQ(m.found.size(), 1u) << text;
        if (m.found.size() == 1) {
            EXPECT_EQ(m.found[0].text, token_) << text;
            EXPECT_TRUE(m.found[0].complete);
            EXPECT_EQ(m.found[0].exact, exact) << text;
        }
        return m;
    }

    static token::KeyPair *pair_;
    static std::string token_, body_, payload_, footer_;
};

token::KeyPair *TokenFinder::pair_ = nullptr;
std::string TokenFinder::token_;
std::string TokenFinder::body_;
std::string TokenFinder::payload_;
std::string TokenFinder::footer_;

TEST_F(TokenFinder, ATokenAsMintedIsMaskedWholeAndReportedExact)
{
    std::string text = "SELECT redline.unlock('" + token_ + "');";
    Masked m = expect_found(text, true);
    EXPECT_EQ(m.text, "SELECT redline.unlock('v4.public." + std::string(body_.size(), 'x') + "');");
    EXPECT_EQ(m.found[0].offset, text.find("v4.public."));
    Masked again = mask(m.text);
    EXPECT_FALSE(again.changed) << "masking twice changes nothing";
    EXPECT_TRUE(again.found.empty());
}

TEST_F(TokenFinder, PrefixInAnyCaseAndSpacing)
{
    for (std::string prefix : {"V4.PUBLIC.", "v4.PUBLIC.", "V4.public.", "v4.Public.", "v4. public.", "v4 .public.",
                               "v4 . public . ", "v4.\npublic.\n", "v4\t.\tpublic\t.\t", "v4.\r\npublic.", "v4.local.",
                               "V4.LOCAL.", "v3.public.", "v2.local.", "v4.public. "}) {
        Masked m = expect_found("SET redline.session_token = '" + prefix + body_ + "';");
        EXPECT_NE(m.text.find(prefix), std::string::npos) << "the prefix stays readable: " << m.text;
    }
}

TEST_F(TokenFinder, EveryQuoting)
{
    expect_found("SELECT redline.unlock(E'" + token_ + "')", true);
    expect_found("SELECT redline.unlock($$" + token_ + "$$)", true);
    expect_found("SELECT redline.unlock($t$" + token_ + "$t$)", true);
    expect_found("SELECT \"" + token_ + "\"", true);
    expect_found("DO 'BEGIN PERFORM redline.unlock(''" + token_ + "''); END'", true);
    expect_found("DO $do$ BEGIN PERFORM redline.unlock('" + upper(token_.substr(0, 10)) + body_ + "'); END $do$");
    expect_found("-- " + token_ + "\nSELECT 1", true);
    expect_found("/* " + token_ + " */ SELECT 1", true);
    expect_found(token_, true);
}

TEST_F(TokenFinder, EscapesThatSpellTokenCharacters)
{
    // E'' escapes: \x65 is 'e', \056 is '.', \u0079 is 'y'.
    std::string escaped = "v4\\056public\\x2e\\x65\\u0079" + body_.substr(2);
    Masked m = expect_found("SELECT redline.unlock(E'" + escaped + "')");
    EXPECT_EQ(m.text.find("\\x65"), std::string::npos);
    // U&'' escapes: \0065 is 'e'.
    expect_found("SELECT redline.unlock(U&'v4.public.\\0065" + body_.substr(1) + "')");
    // A backslash that spells no token character ends the token and stays.
    Masked newline = expect_found("SELECT E'" + token_ + "\\n'", true);
    EXPECT_NE(newline.text.find("\\n'"), std::string::npos);
}

TEST_F(TokenFinder, SplitOverLiteralsAndArguments)
{
    std::size_t half = payload_.size() / 2;
    const std::string a = payload_.substr(0, half), b = payload_.substr(half);
    expect_found("SELECT set_config('redline.session_token', 'v4.public.' || '" + body_ + "', false)");
    expect_found("SELECT set_config('redline.session_token', 'v4.public.' || E'" + body_ + "', false)");
    expect_found("SELECT set_config('redline.session_token', 'v4.public.'::text||$$" + body_ + "$$, false)");
    expect_found("SELECT concat('v4.public.', '" + a + "', '" + b + "', '.', '" + footer_ + "')");
    expect_found("SELECT 'v4.public." + a + "' || '" + b + "." + footer_ + "'");
    expect_found("SELECT 'v4.public." + payload_ + "' || '." + footer_ + "'");
    expect_found("SELECT 'v4.public." + payload_ + ".' ||\n   '" + footer_ + "'");
    // The prefix itself split: the body is found on its own.
    expect_found("SELECT 'v4.' || 'public.' || '" + body_ + "'");
    expect_found("SELECT format('%s.%s.%s', 'v4', 'public', '" + body_ + "')");
    // Wrapped by a terminal, or pasted with a space: white space inside the literal.
    expect_found("SELECT redline.unlock('v4.public." + a + "\n" + b + "." + footer_ + "')");
    expect_found("SELECT redline.unlock('v4.public." + a + " " + b + "." + footer_ + "')");
    expect_found("SELECT redline.unlock('v4.public." + payload_ + ". " + footer_ + "')");
    // The literal after a whole token is not part of it.
    Masked m = expect_found("SELECT set_config('redline.session_token', '" + token_ + "', false), 'hello'", true);
    EXPECT_NE(m.text.find("'hello'"), std::string::npos);
    EXPECT_NE(m.text.find("false"), std::string::npos);
}

TEST_F(TokenFinder, ABodyWithNoPrefixOrAMangledOne)
{
    for (std::string prefix : {"", "v4.publc.", "v4:public:", "v4,public,", "V4_PUBLIC_", "v4.public", "v4public",
                               "public.", "4.public.", "v4..public.", "paseto "}) {
        Masked m = expect_found("SELECT redline.unlock('" + prefix + body_ + "')");
        EXPECT_NE(m.text.find("'" + prefix), std::string::npos) << m.text;
    }
}

TEST_F(TokenFinder, SeveralTokensEachReportedWhereTheyStart)
{
    std::string text = "SET redline.approval_token = '" + token_ + "," + token_ + "'; SELECT 'V4.PUBLIC." + body_ + "'";
    Masked m = mask(text);
    ASSERT_EQ(m.found.size(), 3u);
    EXPECT_EQ(m.found[0].offset, text.find("v4.public."));
    EXPECT_EQ(m.found[1].offset, text.find("," + token_) + 1);
    EXPECT_EQ(m.found[2].offset, text.find("V4.PUBLIC."));
    EXPECT_TRUE(m.found[0].exact);
    EXPECT_TRUE(m.found[1].exact);
    EXPECT_FALSE(m.found[2].exact);
    for (const auto &f : m.found)
        EXPECT_EQ(f.text, token_);
}

TEST_F(TokenFinder, TooLongToReadIsMaskedButIncomplete)
{
    std::string text = "SELECT 'v4.public." + std::string(3000, 'A') + "'";
    Masked m = mask(text);
    ASSERT_EQ(m.found.size(), 1u);
    EXPECT_FALSE(m.found[0].complete);
    EXPECT_EQ(m.text, "SELECT 'v4.public." + std::string(3000, 'x') + "'");
}

TEST(TokenFinderKeys, PaserkSecretsAreMaskedNeverReported)
{
    std::string secret = "k4.secret." + std::string(86, 'Q');
    Masked m = mask("SELECT '" + secret + "', 'K4.LOCAL.abcdef'");
    EXPECT_TRUE(m.changed);
    EXPECT_EQ(m.text, "SELECT 'k4.secret." + std::string(86, 'x') + "', 'K4.LOCAL.xxxxxx'");
    EXPECT_TRUE(m.found.empty());
}

TEST(TokenFinderKeys, LeavesOtherTextAlone)
{
    for (std::string text : {
             "SELECT * FROM public.accounts WHERE v4 = 1",
             "SELECT 'k4.public.abc', 'k4.pid.abc', 'v4.publi', 'v4.publicabc'",
             "SELECT 'eyJ', 'eyJhbGciOiJIUzI1NiJ9'",                             // short
             "CREATE TABLE monkeyjugglers_with_a_very_long_name_indeed (a int)", // no upper case
             "SELECT 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'",
             "SELECT '0b6c5f2e-8f5e-4f4e-9b9e-2f6c1f4e7a11'::uuid",
             "SELECT v4.public FROM v4",
             "UPDATE t SET note = 'we move to v4. Public keys next' WHERE id = 1",
             "",
         }) {
        Masked m = mask(text);
        EXPECT_FALSE(m.changed) << text;
        EXPECT_EQ(m.text, text);
        EXPECT_TRUE(m.found.empty()) << text;
    }
    EXPECT_FALSE(redline::has_token(nullptr));
    EXPECT_FALSE(redline::mask_tokens(nullptr));
}

TEST_F(TokenFinder, HasTokenAgreesWithMasking)
{
    EXPECT_TRUE(redline::has_token(("x " + upper(token_.substr(0, 10)) + body_).c_str()));
    EXPECT_TRUE(redline::has_token(body_.c_str()));
    EXPECT_FALSE(redline::has_token("SELECT 1"));
}

TEST_F(TokenFinder, AShownTokenNamesItsIdWhateverItWasFor)
{
    auto paserk = token::paserk_public(pair_->public_key);
    ASSERT_TRUE(paserk);
    redline::token_check::KeyView key{"bob", paserk->c_str(), false};
    redline::token_check::ShownToken shown;
    redline::token_check::shown_token(token_.c_str(), key, &shown);
    ASSERT_TRUE(shown.ok) << "signed by the key, though for another role than the key's";
    EXPECT_EQ(shown.expires, 1795539600 + 900);

    redline::token_check::Verdict verdict;
    redline::token_check::Expect expect{"alice", "production", "7234123412341234123", 1795539601, 3600, ""};
    redline::token_check::KeyView alices{"alice", paserk->c_str(), false};
    redline::token_check::check(token_.c_str(), &alices, expect, &verdict);
    ASSERT_TRUE(verdict.ok) << verdict.reason;
    EXPECT_TRUE(std::equal(shown.jti_digest, shown.jti_digest + 16, verdict.jti_digest))
        << "the id recorded is the one an unlock would spend";

    std::string tampered = token_;
    tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
    redline::token_check::shown_token(tampered.c_str(), key, &shown);
    EXPECT_FALSE(shown.ok) << "a signature that does not verify names nothing";
    redline::token_check::KeyView revoked{"alice", paserk->c_str(), true};
    redline::token_check::shown_token(token_.c_str(), revoked, &shown);
    EXPECT_FALSE(shown.ok);
    redline::token_check::shown_token("v4.public.abc", key, &shown);
    EXPECT_FALSE(shown.ok);
}

} // namespace
