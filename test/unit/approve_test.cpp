// The CLI's side of approvals, in-process: the claims of a minted approval (checked with
// the server's own check), its lifetime, and what is refused before anything is signed —
// an unknown operation, an object the server would never name so, approving for oneself.
#include "approvals/target.hpp"
#include "presence/methods.hpp"
#include "signing/mint_token.hpp"

#include <keys.hpp>
#include <paserk.hpp>
#include <paseto.hpp>
#include <session_check.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace redline::cli;
namespace token = redline::token;

std::string refusal_of(void (*check)(std::string_view, std::string_view), std::string_view a, std::string_view b)
{
    try {
        check(a, b);
    } catch (const std::runtime_error &e) {
        return e.what();
    }
    return "(accepted)";
}

class ApprovalMinting : public testing::Test {
protected:
    void SetUp() override
    {
        auto approver = token::generate_keypair();
        auto requester = token::generate_keypair();
        ASSERT_TRUE(approver && requester);
        approver_ = *approver;
        requester_ = *requester;
        request_.operation = "drop_table";
        request_.object = "public.orders";
        request_.for_role = "alice";
        request_.environment = "production";
        request_.cluster_id = "7234123412341234123";
        request_.now = 1795539600;
        request_.amr = *amr_for(AuthMethod::typed);
    }
    // The server's check of an approval presented by alice for DROP TABLE public.orders.
    token::Verdict check(const std::string &minted, const std::string &key_role, const token::PublicKey &key,
                         std::string_view op = "drop_table", std::string_view obj = "public.orders") const
    {
        token::Expectations e;
        e.scope = token::Scope::approve;
        e.role = "alice";
        e.env = "production";
        e.cid = "7234123412341234123";
        e.now = request_.now + 1;
        e.max_ttl_seconds = 3600;
        e.op = op;
        e.obj = obj;
        return token::check_token(minted, token::EnrolledKey{key_role, key, false}, e);
    }

    token::KeyPair approver_;
    token::KeyPair requester_;
    ApprovalTokenRequest request_;
};

TEST_F(ApprovalMinting, ClaimsApproveOneOperationOnOneObjectForOneRole)
{
    std::string minted = mint_approval_token(approver_.secret, request_);
    token::Verdict v = check(minted, "bob", approver_.public_key);
    ASSERT_TRUE(v.ok()) << token::describe(v.check) << ": " << v.detail;
    EXPECT_EQ(v.claims.scope, token::Scope::approve);
    EXPECT_EQ(v.claims.op, "drop_table");
    EXPECT_EQ(v.claims.obj, "public.orders");
    EXPECT_EQ(v.claims.sub, "alice");
    EXPECT_EQ(v.claims.env, "production");
    EXPECT_EQ(v.claims.cid, "7234123412341234123");
    EXPECT_EQ(v.claims.iat, 1795539600);
    EXPECT_EQ(v.claims.exp, 1795539600 + default_approval_ttl);
    EXPECT_EQ(v.claims.amr, std::vector<std::string>{"pwd"});
    EXPECT_EQ(v.claims.jti.size(), 32u);
}

TEST_F(ApprovalMinting, FooterNamesTheApproversKey)
{
    std::string minted = mint_approval_token(approver_.secret, request_);
    EXPECT_EQ(token::token_kid(minted), token::paserk_pid(approver_.public_key));
    auto verified = token::verify(approver_.public_key, minted);
    ASSERT_TRUE(verified.ok());
    EXPECT_EQ(verified.footer, "{\"kid\":\"" + *token::paserk_pid(approver_.public_key) + "\"}");
}

TEST_F(ApprovalMinting, DefaultLifetimeIsHalfAnHourAndTheTtlIsKept)
{
    EXPECT_EQ(default_approval_ttl, 30 * 60);
    EXPECT_EQ(ApprovalTokenRequest{}.ttl_seconds, default_approval_ttl);
    request_.ttl_seconds = parse_token_ttl("10m");
    token::Verdict v = check(mint_approval_token(approver_.secret, request_), "bob", approver_.public_key);
    ASSERT_TRUE(v.ok()) << v.detail;
    EXPECT_EQ(v.claims.exp - v.claims.iat, 600);
    EXPECT_THROW(parse_token_ttl("24h1s"), std::runtime_error) << "the longest approval is a day";
    EXPECT_THROW(parse_token_ttl("9s"), std::runtime_error);
    EXPECT_EQ(parse_token_ttl("24h"), 24 * 3600);
}

TEST_F(ApprovalMinting, ApprovesNothingElse)
{
    std::string minted = mint_approval_token(approver_.secret, request_);
    EXPECT_EQ(check(minted, "bob", approver_.public_key, "drop_table", "public.users").check,
              token::Check::wrong_operation);
    EXPECT_EQ(check(minted, "bob", approver_.public_key, "truncate", "public.orders").check,
              token::Check::wrong_operation);
    // Not a session token either.
    token::Expectations session;
    session.role = "alice";
    session.env = "production";
    session.cid = "7234123412341234123";
    session.now = request_.now + 1;
    session.max_ttl_seconds = 3600;
    EXPECT_EQ(token::check_token(minted, token::EnrolledKey{"bob", approver_.public_key, false}, session).check,
              token::Check::wrong_scope);
}

TEST_F(ApprovalMinting, TheRequestersOwnKeyIsRefusedByTheServer)
{
    std::string minted = mint_approval_token(requester_.secret, request_);
    EXPECT_EQ(check(minted, "alice", requester_.public_key).check, token::Check::self_approval);
}

TEST_F(ApprovalMinting, ValuesATokenCannotCarryAreRefused)
{
    request_.object = "public.\norders";
    try {
        mint_approval_token(approver_.secret, request_);
        ADD_FAILURE() << "minted an object with a newline";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find("the object"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("no token was signed"), std::string::npos) << e.what();
    }
    request_.object = "public.orders";
    request_.operation = "";
    EXPECT_THROW(mint_approval_token(approver_.secret, request_), std::runtime_error);
}

TEST(ApprovalTarget, OperationsAreRedlineProtectedNames)
{
    for (const char *op : {"drop_table", "drop_schema", "drop_database", "drop_column", "drop_extension", "truncate",
                           "alter_system", "drop_role", "rewrite"})
        EXPECT_NO_THROW(check_operation(op)) << op;
    for (const char *op : {"", "DROP_TABLE", "drop", "delete", "drop_table ", "auto", "none", "drop_table,truncate"}) {
        try {
            check_operation(op);
            ADD_FAILURE() << "accepted \"" << op << "\"";
        } catch (const std::runtime_error &e) {
            EXPECT_NE(std::string(e.what()).find("use one of drop_table, drop_schema"), std::string::npos) << e.what();
        }
    }
}

TEST(ApprovalTarget, ObjectsAreNamedAsTheServerPrintsThem)
{
    EXPECT_EQ(refusal_of(check_object, "drop_table", "public.orders"), "(accepted)");
    EXPECT_EQ(refusal_of(check_object, "truncate", "sales.\"Q1.2026\""), "(accepted)");
    EXPECT_EQ(refusal_of(check_object, "drop_column", "public.orders.note"), "(accepted)");
    EXPECT_EQ(refusal_of(check_object, "drop_schema", "sales"), "(accepted)");
    EXPECT_EQ(refusal_of(check_object, "drop_database", "\"Shop DB\""), "(accepted)");
    EXPECT_EQ(refusal_of(check_object, "drop_role", "carol"), "(accepted)");
    EXPECT_EQ(refusal_of(check_object, "alter_system", "work_mem"), "(accepted)");
    EXPECT_EQ(refusal_of(check_object, "rewrite", "public.events"), "(accepted)");

    EXPECT_NE(refusal_of(check_object, "drop_table", "orders")
                  .find("names no schema: the server names a table with "
                        "its schema (public.orders)"),
              std::string::npos);
    EXPECT_NE(refusal_of(check_object, "truncate", "\"a.b\"").find("names no schema"), std::string::npos)
        << "a dot inside quotes is part of the name";
    EXPECT_NE(refusal_of(check_object, "rewrite", "events").find("names no schema"), std::string::npos);
    EXPECT_NE(refusal_of(check_object, "drop_column", "orders.note").find("is not schema.table.column"),
              std::string::npos);
    EXPECT_NE(refusal_of(check_object, "alter_system", "Work_Mem").find("lower case"), std::string::npos);
    EXPECT_NE(refusal_of(check_object, "drop_table", "").find("--object is empty"), std::string::npos);
    EXPECT_NE(refusal_of(check_object, "drop_table", " public.orders").find("spaces around it"), std::string::npos);
}

TEST(ApprovalTarget, NobodyApprovesForThemselves)
{
    EXPECT_EQ(refusal_of(check_second_person, "alice", "bob"), "(accepted)");
    std::string refused = refusal_of(check_second_person, "bob", "bob");
    EXPECT_NE(refused.find("you log in as \"bob\""), std::string::npos) << refused;
    EXPECT_NE(refused.find("two-person rule"), std::string::npos) << refused;
    EXPECT_NE(refused.find("ask another member of redline_approver"), std::string::npos) << refused;
    EXPECT_EQ(refusal_of(check_second_person, "Bob", "bob"), "(accepted)") << "role names are case-sensitive";
}

} // namespace
