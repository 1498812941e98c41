// Tests the server's token check with real signed tokens: every outcome, the order the
// checks run in, the boundaries of each time rule, and refusal clauses free of secrets.
#include "claims.hpp"
#include "footer.hpp"
#include "keys.hpp"
#include "paserk.hpp"
#include "paseto.hpp"
#include "session_check.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace {

using namespace redline::token;

constexpr UnixSeconds now = 1795539600; // 2026-11-24T17:00:00Z

class SessionCheck : public testing::Test {
protected:
    void SetUp() override
    {
        auto pair = generate_keypair();
        ASSERT_TRUE(pair);
        pair_ = *pair;
        auto pid = paserk_pid(pair_.public_key);
        ASSERT_TRUE(pid);
        kid_ = *pid;
        enrolled_ = EnrolledKey{"alice", pair_.public_key, false};

        claims_.sub = "alice";
        claims_.env = "production";
        claims_.cid = "7234123412341234123";
        claims_.scope = Scope::session;
        claims_.iat = now - 10;
        claims_.exp = now + 590;
        claims_.jti = "00112233445566778899aabbccddeeff";
        claims_.amr = {"fpt"};

        expect_.scope = Scope::session;
        expect_.role = "alice";
        expect_.env = "production";
        expect_.cid = "7234123412341234123";
        expect_.now = now;
        expect_.max_ttl_seconds = 3600;
    }

    // A token signed by `secret` over a raw payload, with a footer naming `kid`.
    std::string sign_payload(const std::string &payload, const SecretKey &secret, const std::string &kid) const
    {
        auto footer = serialize_footer(kid);
        EXPECT_TRUE(footer.ok());
        auto signed_token = sign(secret, payload, footer.json);
        EXPECT_TRUE(signed_token.ok()) << describe(signed_token.error);
        return signed_token.token;
    }
    std::string mint(const Claims &claims) const
    {
        auto json = serialize_claims(claims);
        EXPECT_TRUE(json.ok()) << describe(json.problem.error) << " " << json.problem.claim;
        return sign_payload(json.json, pair_.secret, kid_);
    }
    Verdict check(const std::string &token) const { return check_token(token, enrolled_, expect_); }

    KeyPair pair_;
    std::string kid_;
    EnrolledKey enrolled_;
    Claims claims_;
    Expectations expect_;
};

void expect_refused(const Verdict &v, Check check, const std::string &detail_part)
{
    EXPECT_EQ(v.check, check) << describe(v.check) << ": " << v.detail;
    EXPECT_FALSE(v.ok());
    EXPECT_NE(v.detail.find(detail_part), std::string::npos) << v.detail;
}

TEST_F(SessionCheck, AcceptsAValidSessionToken)
{
    std::string token = mint(claims_);
    ASSERT_EQ(token_kid(token), kid_);
    Verdict v = check(token);
    EXPECT_EQ(v.check, Check::ok) << v.detail;
    EXPECT_TRUE(v.ok());
    EXPECT_EQ(v.kid, kid_);
    EXPECT_EQ(v.detail, "");
    EXPECT_EQ(v.claims.sub, "alice");
    EXPECT_EQ(v.claims.jti, "00112233445566778899aabbccddeeff");
    EXPECT_STREQ(describe(v.check), "ok");
}

TEST_F(SessionCheck, AcceptsAnApprovalWhereOneIsExpected)
{
    claims_.scope = Scope::approve;
    claims_.op = "drop_table";
    claims_.obj = "public.orders";
    expect_.scope = Scope::approve;
    expect_.op = "drop_table";
    expect_.obj = "public.orders";
    enrolled_.role = "bob"; // an approval is signed by a second person
    Verdict v = check(mint(claims_));
    EXPECT_TRUE(v.ok()) << v.detail;
    EXPECT_EQ(v.claims.op, "drop_table");
}

TEST_F(SessionCheck, TokenKidIsAbsentForWhatNamesNoKey)
{
    EXPECT_EQ(token_kid(""), std::nullopt);
    EXPECT_EQ(token_kid("not a token"), std::nullopt);
    auto bare = sign(pair_.secret, "{}");
    ASSERT_TRUE(bare.ok());
    EXPECT_EQ(token_kid(bare.token), std::nullopt);
    auto other_footer = sign(pair_.secret, "{}", R"({"wpk":"x"})");
    ASSERT_TRUE(other_footer.ok());
    EXPECT_EQ(token_kid(other_footer.token), std::nullopt);
    auto not_json = sign(pair_.secret, "{}", "k4.pid.abc");
    ASSERT_TRUE(not_json.ok());
    EXPECT_EQ(token_kid(not_json.token), std::nullopt);
}

TEST_F(SessionCheck, MalformedTokens)
{
    expect_refused(check(""), Check::malformed, "not shaped like a token");
    expect_refused(check("v3.public.AAAA"), Check::malformed, "version 4");
    expect_refused(check("v4.local.AAAA.BBBB"), Check::malformed, "v4.public");
    expect_refused(check("v4.public.@@@@"), Check::malformed, "base64url");
    expect_refused(check(std::string(9000, 'a')), Check::malformed, "longer");

    auto bare = sign(pair_.secret, serialize_claims(claims_).json);
    ASSERT_TRUE(bare.ok());
    Verdict v = check(bare.token);
    expect_refused(v, Check::malformed, "no footer");
    EXPECT_EQ(v.kid, "");

    auto no_kid = sign(pair_.secret, serialize_claims(claims_).json, R"({"kid":""})");
    ASSERT_TRUE(no_kid.ok());
    expect_refused(check(no_kid.token), Check::malformed, "kid");
    EXPECT_STREQ(describe(Check::malformed), "malformed token");
}

TEST_F(SessionCheck, UnknownKey)
{
    std::string token = mint(claims_);
    Verdict v = check_token(token, std::nullopt, expect_);
    expect_refused(v, Check::unknown_key, "is not enrolled");
    EXPECT_EQ(v.kid, kid_);
    EXPECT_NE(v.detail.find(kid_), std::string::npos) << v.detail;
    EXPECT_STREQ(describe(Check::unknown_key), "unknown key");
}

TEST_F(SessionCheck, RevokedKeyIsRefusedEvenWithAGoodSignature)
{
    enrolled_.revoked = true;
    expect_refused(check(mint(claims_)), Check::revoked_key, "was revoked");
}

TEST_F(SessionCheck, SignatureByAnotherKeyIsRefused)
{
    auto other = generate_keypair();
    ASSERT_TRUE(other);
    // It names our key id but was signed by a different key.
    std::string token = sign_payload(serialize_claims(claims_).json, other->secret, kid_);
    Verdict v = check(token);
    expect_refused(v, Check::bad_signature, "does not verify");
    EXPECT_EQ(v.claims.sub, "") << "claims must not be read from an unverified token";
}

TEST_F(SessionCheck, TamperedPayloadIsRefused)
{
    std::string token = mint(claims_);
    std::size_t at = std::string("v4.public.").size() + 5;
    token[at] = token[at] == 'A' ? 'B' : 'A';
    expect_refused(check(token), Check::bad_signature, "does not verify");
}

TEST_F(SessionCheck, SignatureIsCheckedBeforeClaims)
{
    auto other = generate_keypair();
    ASSERT_TRUE(other);
    std::string token = sign_payload(R"({"sub":"alice"})", other->secret, kid_);
    EXPECT_EQ(check(token).check, Check::bad_signature);
}

TEST_F(SessionCheck, SignedButInvalidClaims)
{
    expect_refused(check(sign_payload(R"({"sub":"alice"})", pair_.secret, kid_)), Check::bad_claims,
                   "claim \"env\" is missing");
    expect_refused(check(sign_payload("[1,2]", pair_.secret, kid_)), Check::bad_claims, "JSON object");

    // exp before iat: a minter that skipped the library's checks.
    std::string json = serialize_claims(claims_).json;
    auto at = json.find("\"exp\":\"");
    ASSERT_NE(at, std::string::npos);
    json.replace(at + 7, 4, "2000");
    Verdict v = check(sign_payload(json, pair_.secret, kid_));
    expect_refused(v, Check::bad_claims, "claim \"exp\" has an unacceptable value");
    EXPECT_EQ(v.claims.sub, "");
    EXPECT_STREQ(describe(Check::bad_claims), "invalid claims");
}

TEST_F(SessionCheck, WrongScope)
{
    claims_.scope = Scope::approve;
    claims_.op = "drop_table";
    Verdict v = check(mint(claims_));
    expect_refused(v, Check::wrong_scope, "approval token, not a session token");
    EXPECT_EQ(v.claims.sub, "alice") << "claims are reported once they were parsed";

    claims_.scope = Scope::session;
    claims_.op.reset();
    expect_.scope = Scope::approve;
    expect_refused(check(mint(claims_)), Check::wrong_scope, "session token, not an approval");
}

TEST_F(SessionCheck, KeyEnrolledForAnotherRole)
{
    enrolled_.role = "bob";
    expect_refused(check(mint(claims_)), Check::key_role_mismatch,
                   "it is for role \"alice\" but its key is enrolled for role \"bob\"");
}

TEST_F(SessionCheck, KeyRoleIsCheckedBeforeTheSessionRole)
{
    // Bob's key signing a token for alice, presented in carol's session.
    enrolled_.role = "bob";
    expect_.role = "carol";
    EXPECT_EQ(check(mint(claims_)).check, Check::key_role_mismatch);
}

TEST_F(SessionCheck, WrongRole)
{
    expect_.role = "bob";
    expect_refused(check(mint(claims_)), Check::wrong_role, "it is for role \"alice\", not \"bob\"");
    // Exact: neither case nor a prefix matches.
    expect_.role = "Alice";
    EXPECT_EQ(check(mint(claims_)).check, Check::wrong_role);
    expect_.role = "alic";
    EXPECT_EQ(check(mint(claims_)).check, Check::wrong_role);
}

TEST_F(SessionCheck, WrongEnvironment)
{
    claims_.env = "staging";
    expect_refused(check(mint(claims_)), Check::wrong_environment,
                   "it is for environment \"staging\", this server is \"production\"");
    claims_.env = "Production";
    EXPECT_EQ(check(mint(claims_)).check, Check::wrong_environment);
}

TEST_F(SessionCheck, WrongCluster)
{
    claims_.cid = "1";
    expect_refused(check(mint(claims_)), Check::wrong_cluster,
                   "it is for cluster 1, this server is cluster 7234123412341234123");
}

TEST_F(SessionCheck, IssuedInTheFutureBeyondTheSkew)
{
    claims_.iat = now + 60;
    claims_.exp = now + 600;
    EXPECT_TRUE(check(mint(claims_)).ok()) << "within the skew";
    claims_.iat = now + 61;
    expect_refused(check(mint(claims_)), Check::not_yet_valid, "issued at 2026-11-24T17:01:01Z");
    expect_.clock_skew_seconds = 61;
    EXPECT_TRUE(check(mint(claims_)).ok());
}

TEST_F(SessionCheck, NotBeforeInTheFuture)
{
    claims_.nbf = now + 61;
    expect_refused(check(mint(claims_)), Check::not_yet_valid, "not valid before 2026-11-24T17:01:01Z");
    claims_.nbf = now + 60;
    EXPECT_TRUE(check(mint(claims_)).ok());
    claims_.nbf = now - 3600;
    EXPECT_TRUE(check(mint(claims_)).ok());
}

TEST_F(SessionCheck, ExpiredAtTheVerySecond)
{
    claims_.iat = now - 600;
    claims_.exp = now;
    expect_refused(check(mint(claims_)), Check::expired, "it expired at 2026-11-24T17:00:00Z");
    claims_.exp = now + 1;
    EXPECT_TRUE(check(mint(claims_)).ok());
}

TEST_F(SessionCheck, LifetimeLongerThanTheMaximum)
{
    claims_.iat = now - 60;
    claims_.exp = now - 60 + 7200;
    expect_refused(check(mint(claims_)), Check::lifetime_too_long,
                   "its lifetime of 2h exceeds redline.token_max_ttl (1h)");
    expect_.max_ttl_seconds = 7200;
    EXPECT_TRUE(check(mint(claims_)).ok()) << "a lifetime equal to the maximum is accepted";
    expect_.max_ttl_seconds = 0;
    EXPECT_EQ(check(mint(claims_)).check, Check::lifetime_too_long);
}

TEST_F(SessionCheck, WeakAuthentication)
{
    claims_.amr = {"swk", "pwd"};
    expect_.strong_methods = {"fpt", "hwk"};
    expect_refused(check(mint(claims_)), Check::weak_auth,
                   "authenticated by swk, pwd, and redline.strong_auth_methods asks for one of fpt, hwk");
    claims_.amr = {"swk", "hwk"};
    EXPECT_TRUE(check(mint(claims_)).ok());
    expect_.strong_methods.clear();
    claims_.amr = {"swk"};
    EXPECT_TRUE(check(mint(claims_)).ok()) << "no strong methods configured: any method";
}

TEST_F(SessionCheck, ExpiryIsCheckedBeforeLifetimeAndMethod)
{
    claims_.iat = now - 7200;
    claims_.exp = now - 1;
    claims_.amr = {"swk"};
    expect_.strong_methods = {"fpt"};
    EXPECT_EQ(check(mint(claims_)).check, Check::expired);
}

TEST_F(SessionCheck, ExtremeClockValuesDoNotOverflow)
{
    expect_.now = std::numeric_limits<UnixSeconds>::max();
    expect_.clock_skew_seconds = std::numeric_limits<long long>::max();
    EXPECT_EQ(check(mint(claims_)).check, Check::expired);
    expect_.now = std::numeric_limits<UnixSeconds>::min();
    expect_.clock_skew_seconds = -5;
    EXPECT_EQ(check(mint(claims_)).check, Check::not_yet_valid);
}

TEST_F(SessionCheck, DetailNeverCarriesTheTokenOrKeys)
{
    std::string token = mint(claims_);
    auto public_text = paserk_public(pair_.public_key);
    ASSERT_TRUE(public_text);
    std::string payload_part = token.substr(10, 40);
    for (Check expected : {Check::bad_signature, Check::wrong_role, Check::expired}) {
        Expectations e = expect_;
        std::string t = token;
        if (expected == Check::bad_signature)
            t[12] = t[12] == 'A' ? 'B' : 'A';
        if (expected == Check::wrong_role)
            e.role = "bob";
        if (expected == Check::expired)
            e.now = now + 3600;
        Verdict v = check_token(t, enrolled_, e);
        ASSERT_EQ(v.check, expected) << v.detail;
        EXPECT_EQ(v.detail.find(payload_part), std::string::npos);
        EXPECT_EQ(v.detail.find(public_text->substr(10)), std::string::npos);
    }
}

TEST(SessionCheckNames, EveryCheckHasAShortName)
{
    for (int i = 0; i <= static_cast<int>(Check::wrong_operation); ++i) {
        const char *name = describe(static_cast<Check>(i));
        ASSERT_NE(name, nullptr);
        EXPECT_GT(std::string(name).size(), 1u);
    }
    EXPECT_STREQ(describe(Check::expired), "expired");
    EXPECT_STREQ(describe(Check::revoked_key), "revoked key");
    EXPECT_STREQ(describe(Check::wrong_cluster), "wrong cluster");
    EXPECT_STREQ(describe(Check::not_yet_valid), "not yet valid");
    EXPECT_STREQ(describe(Check::key_role_mismatch), "key enrolled for another role");
    EXPECT_STREQ(describe(Check::lifetime_too_long), "lifetime too long");
    EXPECT_STREQ(describe(Check::weak_auth), "authentication too weak");
    EXPECT_STREQ(describe(Check::wrong_scope), "wrong scope");
    EXPECT_STREQ(describe(Check::wrong_environment), "wrong environment");
    EXPECT_STREQ(describe(Check::wrong_role), "wrong role");
    EXPECT_STREQ(describe(Check::bad_signature), "bad signature");
}

} // namespace

namespace {

// Approvals: signed by a second person's key, for exactly one operation on one object.
class ApprovalCheck : public SessionCheck {
protected:
    void SetUp() override
    {
        SessionCheck::SetUp();
        enrolled_.role = "bob"; // the approver's key
        claims_.scope = Scope::approve;
        claims_.op = "drop_table";
        claims_.obj = "public.orders";
        expect_.scope = Scope::approve;
        expect_.op = "drop_table";
        expect_.obj = "public.orders";
    }
};

TEST_F(ApprovalCheck, ASecondPersonsApprovalOfThisOperationPasses)
{
    Verdict v = check(mint(claims_));
    EXPECT_TRUE(v.ok()) << v.detail;
    EXPECT_EQ(v.claims.op.value_or(""), "drop_table");
}

TEST_F(ApprovalCheck, TheRequestersOwnKeyCannotApprove)
{
    enrolled_.role = "alice";
    expect_refused(check(mint(claims_)), Check::self_approval, "an approval must come from a second person");
}

TEST_F(ApprovalCheck, AnApprovalOfAnotherObjectOrOperationIsRefused)
{
    expect_.obj = "public.users";
    expect_refused(check(mint(claims_)), Check::wrong_operation,
                   "it approves drop_table on public.orders, not drop_table on public.users");
    expect_.obj = "public.orders";
    expect_.op = "truncate";
    expect_refused(check(mint(claims_)), Check::wrong_operation, "not truncate on public.orders");
}

TEST_F(ApprovalCheck, AnApprovalIsNoSessionTokenAndTheOtherWayRound)
{
    expect_.scope = Scope::session;
    expect_refused(check(mint(claims_)), Check::wrong_scope, "it is an approval token, not a session token");
    SessionCheck::SetUp();
    claims_.op.reset();
    claims_.obj.reset();
    expect_.scope = Scope::approve;
    expect_refused(check(mint(claims_)), Check::wrong_scope, "it is a session token, not an approval token");
}

TEST_F(ApprovalCheck, ItIsForTheRequesterOnly)
{
    expect_.role = "carol";
    expect_refused(check(mint(claims_)), Check::wrong_role, "it is for role \"alice\", not \"carol\"");
}

} // namespace
