// Tests the redline_test_token helper without a server: its keys, key ids and minted tokens
// are checked with the library the server uses, so a server test that relies on a crafted
// token knows exactly which rule that token breaks.
#include "run_process.hpp"

#include <keys.hpp>
#include <paserk.hpp>
#include <paseto.hpp>
#include <session_check.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace redline::token;
using redline::test::ProcessResult;
using redline::test::run_process;

constexpr const char *cid = "7234123412341234123";

class TestToken : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-test-token.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        secret_file_ = dir_ / "alice.k4.secret";
        auto r = helper({"keygen", secret_file_.string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        auto key = parse_paserk_public(r.out.substr(0, r.out.size() - 1));
        ASSERT_TRUE(key) << r.out;
        public_key_ = *key;
        public_text_ = r.out.substr(0, r.out.size() - 1);
        kid_ = *paserk_pid(public_key_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    static ProcessResult helper(std::vector<std::string> args)
    {
        args.insert(args.begin(), REDLINE_TEST_TOKEN_BINARY);
        return run_process(args);
    }
    // Mints with --env and --cid given, so no server is asked, and returns the token line.
    std::string mint(std::vector<std::string> extra) const
    {
        std::vector<std::string> args{"mint",  secret_file_.string(), "--sub", "alice",
                                      "--env", "production",          "--cid", cid};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = helper(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.err, "");
        EXPECT_FALSE(r.out.empty());
        EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line: " << r.out;
        return r.out.empty() ? r.out : r.out.substr(0, r.out.size() - 1);
    }
    Expectations expectations() const
    {
        Expectations e;
        e.role = "alice";
        e.env = "production";
        e.cid = cid;
        e.now = std::time(nullptr);
        e.max_ttl_seconds = 3600;
        return e;
    }
    // The key is enrolled for alice, or for an approver when the token is an approval.
    Verdict check(const std::string &token, Expectations e) const
    {
        const char *role = e.scope == Scope::approve ? "bob" : "alice";
        return check_token(token, EnrolledKey{role, public_key_, false}, e);
    }
    Verdict check(const std::string &token) const { return check(token, expectations()); }

    fs::path dir_;
    fs::path secret_file_;
    PublicKey public_key_;
    std::string public_text_;
    std::string kid_;
};

TEST_F(TestToken, KeygenWritesAPrivateSecretKey)
{
    struct stat st {};
    ASSERT_EQ(::stat(secret_file_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    std::ifstream in(secret_file_);
    std::string line;
    std::getline(in, line);
    auto secret = parse_paserk_secret(line);
    ASSERT_TRUE(secret);
    EXPECT_EQ(public_half(*secret), public_key_);
}

TEST_F(TestToken, KeygenTightensAnExistingFile)
{
    fs::path loose = dir_ / "loose";
    std::ofstream(loose) << "old\n";
    fs::permissions(loose, fs::perms(0644));
    ASSERT_EQ(helper({"keygen", loose.string()}).exit_code, 0);
    EXPECT_EQ(fs::status(loose).permissions() & fs::perms::mask, fs::perms(0600));
}

TEST_F(TestToken, KidOfAPublicKeyASecretKeyAndAFile)
{
    EXPECT_EQ(helper({"kid", public_text_}).out, kid_ + "\n");
    EXPECT_EQ(helper({"kid", secret_file_.string()}).out, kid_ + "\n");
    std::ofstream(dir_ / "public") << public_text_ << "\n";
    EXPECT_EQ(helper({"kid", (dir_ / "public").string()}).out, kid_ + "\n");
    auto r = helper({"kid", "k4.public.nope"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("not a PASERK"), std::string::npos) << r.err;
}

TEST_F(TestToken, MintsATokenTheServerAccepts)
{
    std::string token = mint({});
    EXPECT_EQ(token_kid(token), kid_);
    Verdict v = check(token);
    ASSERT_TRUE(v.ok()) << describe(v.check) << ": " << v.detail;
    EXPECT_EQ(v.claims.sub, "alice");
    EXPECT_EQ(v.claims.env, "production");
    EXPECT_EQ(v.claims.cid, cid);
    EXPECT_EQ(v.claims.scope, Scope::session);
    EXPECT_EQ(v.claims.exp - v.claims.iat, 600);
    EXPECT_LE(std::abs(v.claims.iat - std::time(nullptr)), 5);
    EXPECT_EQ(v.claims.amr, std::vector<std::string>{"swk"});
    EXPECT_EQ(v.claims.jti.size(), 32u);
    EXPECT_FALSE(v.claims.nbf);
    EXPECT_NE(check(mint({})).claims.jti, v.claims.jti);
}

TEST_F(TestToken, ChosenClaims)
{
    std::string token = mint({"--scope", "approve", "--op", "drop_table", "--obj", "public.orders", "--ttl", "120",
                              "--jti", "j-1", "--amr", "fpt,hwk", "--nbf-offset", "-30"});
    Expectations e = expectations();
    e.scope = Scope::approve;
    e.op = "drop_table";
    e.obj = "public.orders";
    Verdict v = check(token, e);
    ASSERT_TRUE(v.ok()) << v.detail;
    EXPECT_EQ(v.claims.op, "drop_table");
    EXPECT_EQ(v.claims.obj, "public.orders");
    EXPECT_EQ(v.claims.exp - v.claims.iat, 120);
    EXPECT_EQ(v.claims.jti, "j-1");
    EXPECT_EQ(v.claims.amr, (std::vector<std::string>{"fpt", "hwk"}));
    ASSERT_TRUE(v.claims.nbf);
    EXPECT_EQ(*v.claims.nbf, v.claims.iat - 30);
}

TEST_F(TestToken, DeliberatelyBadTokens)
{
    EXPECT_EQ(check(mint({"--tamper"})).check, Check::bad_signature);
    EXPECT_EQ(check(mint({"--iat-offset", "-700"})).check, Check::expired);
    EXPECT_EQ(check(mint({"--iat-offset", "300"})).check, Check::not_yet_valid);
    EXPECT_EQ(check(mint({"--nbf-offset", "300"})).check, Check::not_yet_valid);
    EXPECT_EQ(check(mint({"--ttl", "7200"})).check, Check::lifetime_too_long);
    EXPECT_EQ(check(mint({"--scope", "approve", "--op", "x"})).check, Check::wrong_scope);
    Expectations strong = expectations();
    strong.strong_methods = {"fpt"};
    EXPECT_EQ(check(mint({}), strong).check, Check::weak_auth);

    // What the library would not serialize is written anyway, for the server to refuse.
    Verdict backwards = check(mint({"--ttl", "-60"}));
    EXPECT_EQ(backwards.check, Check::bad_claims);
    EXPECT_NE(backwards.detail.find("\"exp\""), std::string::npos) << backwards.detail;
    EXPECT_EQ(check(mint({"--amr", "retina-scan"})).check, Check::bad_claims);
    EXPECT_EQ(check(mint({"--scope", "approve"})).check, Check::bad_claims) << "an approval without op";

    std::string other_kid = mint({"--kid", "k4.pid.somebody-else"});
    EXPECT_EQ(token_kid(other_kid), "k4.pid.somebody-else");
    EXPECT_EQ(check(mint({"--kid", ""})).check, Check::malformed);
}

TEST_F(TestToken, UsageMistakesExitTwo)
{
    for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {},
             {"frobnicate"},
             {"mint", secret_file_.string()},
             {"mint", "--sub", "alice"},
             {"mint", secret_file_.string(), "--sub", "alice", "--ttl", "10m"},
             {"mint", secret_file_.string(), "--sub", "alice", "--scope", "admin"},
             {"mint", secret_file_.string(), "--sub"},
             {"keygen"},
         }) {
        auto r = helper(args);
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_NE(r.err.find("usage: redline_test_token"), std::string::npos) << r.err;
    }
}

TEST_F(TestToken, MintWithoutEnvironmentAsksTheServer)
{
    ::setenv("PGHOST", "/nonexistent/redline-test", 1);
    ::setenv("PGCONNECT_TIMEOUT", "2", 1);
    auto r = helper({"mint", secret_file_.string(), "--sub", "alice", "--cid", cid});
    ::unsetenv("PGHOST");
    ::unsetenv("PGCONNECT_TIMEOUT");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("cannot connect to read --env/--cid"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/nonexistent/redline-test"), std::string::npos) << r.err;
}

TEST_F(TestToken, MintRefusesAFileWithoutAKey)
{
    std::ofstream(dir_ / "empty") << "\n";
    auto r = helper({"mint", (dir_ / "empty").string(), "--sub", "alice", "--env", "production", "--cid", cid});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("does not hold a PASERK k4.secret"), std::string::npos) << r.err;
}

} // namespace
