// Tests redline's claims: valid payloads, each claim missing, mistyped or over-long, the
// scope rules, times with offsets and fractions, and JSON that is not one plain object.
#include "claims.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace redline::token;
using nlohmann::json;

json valid_claims()
{
    return {
        {"sub", "alice"},
        {"env", "production"},
        {"cid", "7234123412341234123"},
        {"scope", "session"},
        {"iat", "2025-03-01T10:00:00Z"},
        {"exp", "2025-03-01T10:15:00Z"},
        {"jti", "f6f1b6a4-64a4-4bd6-9d26-1b8e6f0b2b61"},
        {"amr", {"fpt"}},
    };
}

ClaimsResult parse(const json &doc) { return parse_claims(doc.dump()); }

void expect_problem(const json &doc, ClaimError error, const char *claim)
{
    auto result = parse(doc);
    EXPECT_EQ(result.problem.error, error)
        << doc.dump() << ": " << describe(result.problem.error) << " (" << result.problem.claim << ")";
    EXPECT_STREQ(result.problem.claim, claim) << doc.dump();
}

TEST(Claims, ParsesAValidSessionToken)
{
    auto result = parse(valid_claims());
    ASSERT_TRUE(result.ok()) << describe(result.problem.error) << " " << result.problem.claim;
    const Claims &c = result.claims;
    EXPECT_EQ(c.sub, "alice");
    EXPECT_EQ(c.env, "production");
    EXPECT_EQ(c.cid, "7234123412341234123");
    EXPECT_EQ(c.scope, Scope::session);
    EXPECT_FALSE(c.op);
    EXPECT_FALSE(c.obj);
    EXPECT_EQ(c.iat, 1740823200);
    EXPECT_EQ(c.exp, 1740823200 + 900);
    EXPECT_FALSE(c.nbf);
    EXPECT_EQ(c.jti, "f6f1b6a4-64a4-4bd6-9d26-1b8e6f0b2b61");
    EXPECT_EQ(c.amr, std::vector<std::string>{"fpt"});
}

TEST(Claims, ParsesAnApproval)
{
    json doc = valid_claims();
    doc["scope"] = "approve";
    doc["op"] = "drop_table";
    doc["obj"] = "public.orders";
    doc["amr"] = {"hwk", "user"};
    auto result = parse(doc);
    ASSERT_TRUE(result.ok()) << result.problem.claim;
    EXPECT_EQ(result.claims.scope, Scope::approve);
    EXPECT_EQ(result.claims.op, "drop_table");
    EXPECT_EQ(result.claims.obj, "public.orders");
    EXPECT_EQ(result.claims.amr, (std::vector<std::string>{"hwk", "user"}));

    doc.erase("obj");
    EXPECT_TRUE(parse(doc).ok());
    doc.erase("op");
    expect_problem(doc, ClaimError::missing, "op");
}

TEST(Claims, SessionTokensNameNoOperation)
{
    json doc = valid_claims();
    doc["op"] = "drop_table";
    expect_problem(doc, ClaimError::bad_value, "op");
    doc.erase("op");
    doc["obj"] = "public.orders";
    expect_problem(doc, ClaimError::bad_value, "obj");
}

TEST(Claims, EachRequiredClaimMustBePresent)
{
    for (const char *claim : {"sub", "env", "cid", "scope", "iat", "exp", "jti", "amr"}) {
        json doc = valid_claims();
        doc.erase(claim);
        expect_problem(doc, ClaimError::missing, claim);
    }
}

TEST(Claims, EachClaimMustHaveItsType)
{
    const json wrong_values[] = {nullptr, 42, -1, 1.5, true, json::array(), json::object(), json::array({"fpt"})};
    for (const char *claim : {"sub", "env", "cid", "scope", "iat", "exp", "jti", "op", "obj", "nbf"})
        for (const json &value : wrong_values) {
            json doc = valid_claims();
            doc[claim] = value;
            expect_problem(doc, ClaimError::wrong_type, claim);
        }
    for (const json &value : {json(nullptr), json("fpt"), json(1), json::object(), json::array({1}),
                              json::array({nullptr}), json::array({json::array({"fpt"})})}) {
        json doc = valid_claims();
        doc["amr"] = value;
        expect_problem(doc, ClaimError::wrong_type, "amr");
    }
}

TEST(Claims, StringsAreCapped)
{
    for (const char *claim : {"sub", "env", "jti"}) {
        json doc = valid_claims();
        doc[claim] = std::string(max_claim_size, 'a');
        EXPECT_TRUE(parse(doc).ok()) << claim;
        doc[claim] = std::string(max_claim_size + 1, 'a');
        expect_problem(doc, ClaimError::too_long, claim);
    }
    json doc = valid_claims();
    doc["scope"] = "approve";
    doc["op"] = std::string(max_claim_size + 1, 'a');
    expect_problem(doc, ClaimError::too_long, "op");
    doc["op"] = "drop_table";
    doc["obj"] = std::string(max_claim_size + 1, 'a');
    expect_problem(doc, ClaimError::too_long, "obj");

    doc = valid_claims();
    doc["exp"] = "2025-03-01T10:15:00." + std::string(max_claim_size, '0') + "Z";
    expect_problem(doc, ClaimError::too_long, "exp");
    doc = valid_claims();
    doc["cid"] = std::string(max_claim_size + 1, '1');
    expect_problem(doc, ClaimError::too_long, "cid");
}

TEST(Claims, StringsMustBePlainNonEmptyText)
{
    for (const char *claim : {"sub", "env", "jti"}) {
        for (const std::string &value : {std::string(""), std::string("ali\nce"), std::string("a\tb"),
                                         std::string("nul\0l", 5), std::string("del\x7f")}) {
            json doc = valid_claims();
            doc[claim] = value;
            expect_problem(doc, ClaimError::bad_value, claim);
        }
        json doc = valid_claims();
        doc[claim] = "j\xc3\xbcrgen \xe2\x9c\x93";
        EXPECT_TRUE(parse(doc).ok()) << claim;
    }
    // Invalid UTF-8 is not JSON at all.
    std::string text = valid_claims().dump();
    text.replace(text.find("alice"), 5,
                 "al\xff"
                 "ce");
    EXPECT_EQ(parse_claims(text).problem.error, ClaimError::not_json);
}

TEST(Claims, ScopeIsSessionOrApprove)
{
    for (const char *scope : {"", "Session", "SESSION", "session ", "admin", "approval"}) {
        json doc = valid_claims();
        doc["scope"] = scope;
        expect_problem(doc, ClaimError::bad_value, "scope");
    }
}

TEST(Claims, ClusterIdIsCanonicalDecimal)
{
    for (const char *cid : {"0", "1", "7234123412341234123", "18446744073709551615"}) {
        json doc = valid_claims();
        doc["cid"] = cid;
        EXPECT_TRUE(parse(doc).ok()) << cid;
    }
    for (const char *cid : {"", "00", "0123", "-1", "+1", " 1", "1 ", "1e5", "0x10", "18446744073709551616",
                            "99999999999999999999", "123456789012345678901", "12.0"}) {
        json doc = valid_claims();
        doc["cid"] = cid;
        expect_problem(doc, ClaimError::bad_value, "cid");
    }
}

TEST(Claims, AmrHoldsOneToEightRegisteredMethods)
{
    json doc = valid_claims();
    doc["amr"] = {"face", "fpt", "hwk", "user", "pwd", "otp", "pin", "swk"};
    EXPECT_TRUE(parse(doc).ok());
    doc["amr"].push_back("sms");
    expect_problem(doc, ClaimError::too_long, "amr");
    doc["amr"] = json::array();
    expect_problem(doc, ClaimError::bad_value, "amr");
    doc["amr"] = {"fingerprint"};
    expect_problem(doc, ClaimError::bad_value, "amr");
    doc["amr"] = {"FPT"};
    expect_problem(doc, ClaimError::bad_value, "amr");
    doc["amr"] = {"fpt", "fpt"};
    expect_problem(doc, ClaimError::bad_value, "amr");
    doc["amr"] = {std::string(max_claim_size + 1, 'a')};
    expect_problem(doc, ClaimError::too_long, "amr");
    EXPECT_TRUE(is_rfc8176_method("retina"));
    EXPECT_FALSE(is_rfc8176_method(""));
}

TEST(Claims, TimesAcceptOffsetsAndFractions)
{
    const std::pair<const char *, UnixSeconds> times[] = {
        {"2025-03-01T10:15:00Z", 1740823200 + 900},        {"2025-03-01T12:15:00+02:00", 1740823200 + 900},
        {"2025-03-01T04:45:00-05:30", 1740823200 + 900},   {"2025-03-01T10:15:00.999999999Z", 1740823200 + 900},
        {"2025-03-01T12:15:00.5+02:00", 1740823200 + 900}, {"2025-03-01T10:15:00+00:00", 1740823200 + 900},
        {"2025-03-01T10:15:00-00:00", 1740823200 + 900},
    };
    for (auto [text, seconds] : times) {
        json doc = valid_claims();
        doc["exp"] = text;
        auto result = parse(doc);
        ASSERT_TRUE(result.ok()) << text << ": " << result.problem.claim;
        EXPECT_EQ(result.claims.exp, seconds) << text;
    }
    for (const char *text : {"2025-03-01t10:15:00Z", "2025-03-01T10:15:00z", "2025-03-01 10:15:00Z",
                             "2025-03-01T10:15:00", "2025-02-29T10:15:00Z", "1740824100", "2025-03-01T10:15Z",
                             "2025-03-01T10:15:00+0200", "2025-03-01T10:15:00.Z", ""}) {
        json doc = valid_claims();
        doc["exp"] = text;
        expect_problem(doc, ClaimError::bad_value, "exp");
    }
}

TEST(Claims, ExpiryComesAfterIssue)
{
    json doc = valid_claims();
    doc["exp"] = doc["iat"];
    expect_problem(doc, ClaimError::bad_value, "exp");
    doc["exp"] = "2025-03-01T09:59:59Z";
    expect_problem(doc, ClaimError::bad_value, "exp");
    // Same instant written with another offset is still not after.
    doc["exp"] = "2025-03-01T12:00:00+02:00";
    expect_problem(doc, ClaimError::bad_value, "exp");
}

TEST(Claims, NotBeforeIsOptional)
{
    json doc = valid_claims();
    doc["nbf"] = "2025-03-01T10:05:00Z";
    auto result = parse(doc);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.claims.nbf, 1740823200 + 300);
    doc["nbf"] = "soon";
    expect_problem(doc, ClaimError::bad_value, "nbf");
}

TEST(Claims, OtherToolsClaimsAreIgnored)
{
    json doc = valid_claims();
    doc["iss"] = "redline-cli";
    doc["aud"] = "db";
    doc["data"] = {{"nested", {1, 2, 3}}};
    EXPECT_TRUE(parse(doc).ok());
}

TEST(Claims, OnlyOnePlainObjectIsJson)
{
    std::string good = valid_claims().dump();
    for (const std::string &text : {
             std::string(""),
             std::string("null"),
             std::string("[]"),
             std::string("\"sub\""),
             "[" + good + "]",
             good + good,
             good + "x",
             good.substr(0, good.size() - 1),
             std::string("{\"sub\":\"alice\",\"sub\":\"postgres\"}"),
             // A repeated key is refused even where redline reads nothing.
             "{\"x\":{\"a\":1,\"a\":2}," + good.substr(1),
             // Nesting beyond three levels.
             "{\"x\":[[[1]]]," + good.substr(1),
             // Comments are not JSON.
             "/* */" + good,
         }) {
        auto result = parse_claims(text);
        EXPECT_EQ(result.problem.error, ClaimError::not_json) << text;
        EXPECT_STREQ(result.problem.claim, "");
    }
    // Very deep nesting is refused before anything recurses into it.
    EXPECT_EQ(parse_claims(std::string(4000, '[') + std::string(4000, ']')).problem.error, ClaimError::not_json);
    EXPECT_EQ(parse_claims(std::string(100000, ' ')).problem.error, ClaimError::not_json);
}

TEST(Claims, SerializeWritesWhatParseReads)
{
    Claims claims = parse(valid_claims()).claims;
    claims.scope = Scope::approve;
    claims.op = "alter_system";
    claims.nbf = claims.iat;
    auto written = serialize_claims(claims);
    ASSERT_TRUE(written.ok()) << written.problem.claim;
    auto doc = json::parse(written.json);
    EXPECT_EQ(doc["iat"], "2025-03-01T10:00:00Z");
    EXPECT_EQ(doc["exp"], "2025-03-01T10:15:00Z");
    EXPECT_EQ(doc["scope"], "approve");
    EXPECT_FALSE(doc.contains("obj"));

    auto reread = parse_claims(written.json);
    ASSERT_TRUE(reread.ok());
    EXPECT_EQ(reread.claims.sub, claims.sub);
    EXPECT_EQ(reread.claims.env, claims.env);
    EXPECT_EQ(reread.claims.cid, claims.cid);
    EXPECT_EQ(reread.claims.scope, claims.scope);
    EXPECT_EQ(reread.claims.op, claims.op);
    EXPECT_EQ(reread.claims.obj, claims.obj);
    EXPECT_EQ(reread.claims.iat, claims.iat);
    EXPECT_EQ(reread.claims.exp, claims.exp);
    EXPECT_EQ(reread.claims.nbf, claims.nbf);
    EXPECT_EQ(reread.claims.jti, claims.jti);
    EXPECT_EQ(reread.claims.amr, claims.amr);
}

TEST(Claims, SerializeRefusesWhatParseWouldRefuse)
{
    Claims good = parse(valid_claims()).claims;
    ASSERT_TRUE(check_claims(good).ok());

    Claims c = good;
    c.sub = "al\xff"
            "ce"; // invalid UTF-8: reported, not thrown from the JSON writer
    EXPECT_EQ(serialize_claims(c).problem.error, ClaimError::bad_value);
    EXPECT_STREQ(serialize_claims(c).problem.claim, "sub");

    c = good;
    c.exp = c.iat - 1;
    EXPECT_STREQ(serialize_claims(c).problem.claim, "exp");

    c = good;
    c.exp = 253402300800; // year 10000
    EXPECT_STREQ(serialize_claims(c).problem.claim, "exp");

    c = good;
    c.amr.clear();
    EXPECT_STREQ(serialize_claims(c).problem.claim, "amr");

    c = good;
    c.cid = "01";
    EXPECT_STREQ(serialize_claims(c).problem.claim, "cid");

    c = good;
    c.scope = Scope::approve;
    EXPECT_EQ(serialize_claims(c).problem.error, ClaimError::missing);
    EXPECT_STREQ(serialize_claims(c).problem.claim, "op");
}

} // namespace
