// The CLI's side of session tokens, in-process: --ttl values, the claims and key id of a
// minted token (checked with the server's own check), what each auth method records, the
// typed confirmation, and which key a profile signs with.
#include "presence/methods.hpp"
#include "profiles/key_files.hpp"
#include "profiles/profile.hpp"
#include "signing/key.hpp"
#include "signing/mint_token.hpp"

#include <keys.hpp>
#include <paserk.hpp>
#include <paseto.hpp>
#include <session_check.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace redline::cli;
namespace token = redline::token;

void expect_ttl_refused(const char *text, const char *words)
{
    try {
        parse_token_ttl(text);
        ADD_FAILURE() << text << " was accepted";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
}

TEST(TokenTtl, AcceptsDurationsFromTenSecondsToADay)
{
    EXPECT_EQ(parse_token_ttl("10s"), 10);
    EXPECT_EQ(parse_token_ttl("90s"), 90);
    EXPECT_EQ(parse_token_ttl("15m"), 900);
    EXPECT_EQ(parse_token_ttl("1h"), 3600);
    EXPECT_EQ(parse_token_ttl("2h30m"), 9000);
    EXPECT_EQ(parse_token_ttl("24h"), 86400);
    EXPECT_EQ(parse_token_ttl("23h59m60s"), 86400);
}

TEST(TokenTtl, RefusesWithAReasonAndAnExample)
{
    expect_ttl_refused("9s", "shorter than the shortest token lifetime, 10s");
    expect_ttl_refused("0s", "shorter");
    expect_ttl_refused("24h1s", "longer than the longest token lifetime, 24h");
    expect_ttl_refused("600", "write it like 90s, 15m, 1h or 2h30m");
    expect_ttl_refused("1d", "not a duration");
    expect_ttl_refused("", "not a duration");
}

TEST(AuthMethods, EachRecordsWhatItProves)
{
    EXPECT_EQ(amr_for(AuthMethod::none), std::vector<std::string>{"swk"});
    EXPECT_EQ(amr_for(AuthMethod::typed), std::vector<std::string>{"pwd"});
    EXPECT_EQ(amr_for(AuthMethod::pam), std::nullopt);
    EXPECT_EQ(amr_for(AuthMethod::touchid), std::nullopt);
}

class Minting : public testing::Test {
protected:
    void SetUp() override
    {
        auto pair = token::generate_keypair();
        ASSERT_TRUE(pair);
        pair_ = *pair;
        request_.role = "alice";
        request_.environment = "production";
        request_.cluster_id = "7234123412341234123";
        request_.now = 1795539600;
        request_.ttl_seconds = 900;
        request_.amr = *amr_for(AuthMethod::typed);
    }
    token::Verdict check(const std::string &minted) const
    {
        token::Expectations e;
        e.role = "alice";
        e.env = "production";
        e.cid = "7234123412341234123";
        e.now = request_.now + 1;
        e.max_ttl_seconds = 3600;
        return token::check_token(minted, token::EnrolledKey{"alice", pair_.public_key, false}, e);
    }

    token::KeyPair pair_;
    SessionTokenRequest request_;
};

TEST_F(Minting, ClaimsBindTheTokenToRoleEnvironmentClusterAndTime)
{
    std::string minted = mint_session_token(pair_.secret, request_);
    token::Verdict v = check(minted);
    ASSERT_TRUE(v.ok()) << token::describe(v.check) << ": " << v.detail;
    EXPECT_EQ(v.claims.sub, "alice");
    EXPECT_EQ(v.claims.env, "production");
    EXPECT_EQ(v.claims.cid, "7234123412341234123");
    EXPECT_EQ(v.claims.scope, token::Scope::session);
    EXPECT_FALSE(v.claims.op);
    EXPECT_FALSE(v.claims.obj);
    EXPECT_FALSE(v.claims.nbf);
    EXPECT_EQ(v.claims.iat, 1795539600);
    EXPECT_EQ(v.claims.exp, 1795539600 + 900);
    EXPECT_EQ(v.claims.amr, std::vector<std::string>{"pwd"});
    EXPECT_EQ(v.claims.jti.size(), 32u);
    EXPECT_EQ(v.claims.jti.find_first_not_of("0123456789abcdef"), std::string::npos) << v.claims.jti;
}

TEST_F(Minting, FooterNamesTheKeyId)
{
    std::string minted = mint_session_token(pair_.secret, request_);
    EXPECT_EQ(token::token_kid(minted), token::paserk_pid(pair_.public_key));
    auto verified = token::verify(pair_.public_key, minted);
    ASSERT_TRUE(verified.ok());
    EXPECT_EQ(verified.footer, "{\"kid\":\"" + *token::paserk_pid(pair_.public_key) + "\"}");
}

TEST_F(Minting, AmrFollowsTheMethod)
{
    request_.amr = *amr_for(AuthMethod::none);
    EXPECT_EQ(check(mint_session_token(pair_.secret, request_)).claims.amr, std::vector<std::string>{"swk"});
}

TEST_F(Minting, EveryTokenHasItsOwnId)
{
    EXPECT_NE(check(mint_session_token(pair_.secret, request_)).claims.jti,
              check(mint_session_token(pair_.secret, request_)).claims.jti);
}

TEST_F(Minting, ValuesATokenCannotCarryAreRefused)
{
    request_.cluster_id = "not-a-number";
    try {
        mint_session_token(pair_.secret, request_);
        ADD_FAILURE() << "minted with a bad cluster id";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find("redline.cluster_id"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("no token was signed"), std::string::npos) << e.what();
    }
    request_.cluster_id = "1";
    request_.role = "";
    EXPECT_THROW(mint_session_token(pair_.secret, request_), std::runtime_error);
}

using File = std::unique_ptr<std::FILE, int (*)(std::FILE *)>;

// Runs the typed confirmation with `typed` as the person's input; returns the verdict and
// what was shown.
std::pair<bool, std::string> type(const std::string &word, const std::string &typed)
{
    File in(std::tmpfile(), &std::fclose), out(std::tmpfile(), &std::fclose);
    std::fputs(typed.c_str(), in.get());
    std::rewind(in.get());
    bool confirmed = confirm_by_typing(word, in.get(), out.get());
    std::rewind(out.get());
    std::string shown;
    for (int c; (c = std::fgetc(out.get())) != EOF;)
        shown += static_cast<char>(c);
    return {confirmed, shown};
}

TEST(TypedConfirmation, AsksForTheEnvironmentByName)
{
    auto [confirmed, shown] = type("production", "production\n");
    EXPECT_TRUE(confirmed);
    EXPECT_EQ(shown, "Type production to continue: ");
}

TEST(TypedConfirmation, OnlyTheExactNameConfirms)
{
    EXPECT_TRUE(type("production", "production\r\n").first);
    EXPECT_TRUE(type("production", "production").first) << "end of input right after the name";
    EXPECT_FALSE(type("production", "").first);
    EXPECT_FALSE(type("production", "\n").first);
    EXPECT_FALSE(type("production", "yes\n").first);
    EXPECT_FALSE(type("production", "Production\n").first);
    EXPECT_FALSE(type("production", "production \n").first);
    EXPECT_FALSE(type("production", " production\n").first);
    EXPECT_FALSE(type("production", "prod\n").first);
    EXPECT_FALSE(type("production", "productionproduction\n").first);
    EXPECT_FALSE(type("production", std::string(10000, 'p') + "\n").first);
    EXPECT_FALSE(type("production", "staging\nproduction\n").first) << "one line only";
}

class SigningKey : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-signing-key-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        home_ = tmpl;
        ::setenv("XDG_CONFIG_HOME", (home_ / "config").c_str(), 1);
        profile_.name = "prod";
        profile_.service = "prod";
    }
    void TearDown() override
    {
        ::unsetenv("XDG_CONFIG_HOME");
        fs::remove_all(home_);
    }
    // A key file as keygen writes it; returns its public half.
    token::PublicKey write_key(const fs::path &path) const
    {
        auto pair = token::generate_keypair();
        EXPECT_TRUE(pair);
        write_new_file(path, *token::paserk_secret(pair->secret) + "\n", 0600);
        return pair->public_key;
    }
    std::string refusal() const
    {
        try {
            signing_key_file(profile_);
        } catch (const std::runtime_error &e) {
            return e.what();
        }
        return "(no refusal)";
    }

    fs::path home_;
    Profile profile_;
};

TEST_F(SigningKey, TheProfilesOwnKeyFirst)
{
    fs::path named = home_ / "named.k4.secret";
    token::PublicKey public_key = write_key(named);
    write_key(keys_directory() / (default_key_label() + ".k4.secret"));
    profile_.key = named.string();
    EXPECT_EQ(signing_key_file(profile_), named);
    EXPECT_EQ(token::public_half(read_signing_key(named)), public_key);
}

TEST_F(SigningKey, ThenTheKeyOfThisMachine)
{
    write_key(keys_directory() / "other.k4.secret");
    fs::path own = keys_directory() / (default_key_label() + ".k4.secret");
    write_key(own);
    EXPECT_EQ(signing_key_file(profile_), own);
}

TEST_F(SigningKey, ThenTheOnlyKeyThereIs)
{
    fs::path only = keys_directory() / "laptop.k4.secret";
    write_key(only);
    write_new_file(keys_directory() / "laptop.k4.public", "k4.public.x\n", 0644);
    EXPECT_EQ(signing_key_file(profile_), only);
}

TEST_F(SigningKey, NoKeySaysToRunKeygen)
{
    EXPECT_NE(refusal().find("create one with redline keygen"), std::string::npos) << refusal();
}

TEST_F(SigningKey, SeveralKeysAskForAChoice)
{
    write_key(keys_directory() / "laptop.k4.secret");
    write_key(keys_directory() / "phone.k4.secret");
    EXPECT_NE(refusal().find("holds 2 keys and profile \"prod\" names none"), std::string::npos) << refusal();
    EXPECT_NE(refusal().find("redline profile add prod --key FILE --replace"), std::string::npos) << refusal();
}

TEST_F(SigningKey, AKeyReadableByOthersIsRefused)
{
    fs::path loose = home_ / "loose.k4.secret";
    write_key(loose);
    fs::permissions(loose, fs::perms(0644));
    EXPECT_THROW(read_signing_key(loose), std::runtime_error);
}

} // namespace
