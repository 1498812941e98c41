// Tests the pure parts of the write lock: the files that hold keys and spent token ids,
// the masking that keeps tokens out of logs and pg_stat_activity, the wording of its
// refusals, and which environments lock by default.
#include "environment.hpp"
#include "redact.hpp"
#include "refusal.hpp"
#include "sqlstate.hpp"
#include "store_format.hpp"
#include "store_lines.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

using redline::store::KeyRecord;

TEST(KeyRecord, RoundTripsThroughItsLine)
{
    KeyRecord key{"k4.pid.abc", "alice", "k4.public.xyz", "laptop", 1795541719, 0};
    auto line = redline::store::format_key(key);
    EXPECT_EQ(line, "k4.pid.abc\talice\tk4.public.xyz\t1795541719\t0\tlaptop");
    auto back = redline::store::parse_key(line);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->kid, key.kid);
    EXPECT_EQ(back->role, key.role);
    EXPECT_EQ(back->key, key.key);
    EXPECT_EQ(back->label, key.label);
    EXPECT_EQ(back->created, key.created);
    EXPECT_EQ(back->revoked, 0);
}

TEST(KeyRecord, EscapesWhatWouldBreakTheLine)
{
    KeyRecord key{"k4.pid.abc", "we\tird", "k4.public.xyz", "50% off\nnext line", 1, 2};
    auto line = redline::store::format_key(key);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_NE(line.find("50%25 off%0anext line"), std::string::npos);
    auto back = redline::store::parse_key(line);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->role, "we\tird");
    EXPECT_EQ(back->label, "50% off\nnext line");
    EXPECT_EQ(back->revoked, 2);
}

TEST(KeyRecord, RefusesAnythingElse)
{
    for (const char *line :
         {"", "k4.pid.abc", "k4.pid.abc\talice\tk4.public.xyz\t1\t0",
          "k4.pid.abc\talice\tk4.public.xyz\t1\t0\tlabel\textra", "k4.pid.abc\talice\tk4.public.xyz\t-1\t0\tx",
          "k4.pid.abc\talice\tk4.public.xyz\t1x\t0\tx", "k4.pid.abc\t\tk4.public.xyz\t1\t0\tx",
          "k4 pid\talice\tk4.public.xyz\t1\t0\tx", "k4.pid.abc\talice\tk4.public.xyz\t1\t0\tbad%zz",
          "k4.pid.abc\talice\tk4.public.xyz\t1\t0\tcut%4"})
        EXPECT_FALSE(redline::store::parse_key(line).has_value()) << line;
}

TEST(KeyRecord, PlainDataBridgeRefusesFieldsThatDoNotFit)
{
    char kid[8], role[64], paserk[96], label[128];
    std::int64_t created = 0, revoked = 0;
    redline::store::KeyFields small{kid,           sizeof kid, role,         sizeof role, paserk,
                                    sizeof paserk, label,      sizeof label, &created,    &revoked};
    EXPECT_FALSE(redline::store::read_key_line("k4.pid.abcdefgh\talice\tk4.public.xyz\t1\t0\tx\n", small));
    char big_kid[64];
    redline::store::KeyFields fits{big_kid,       sizeof big_kid, role,         sizeof role, paserk,
                                   sizeof paserk, label,          sizeof label, &created,    &revoked};
    ASSERT_TRUE(redline::store::read_key_line("k4.pid.abcdefgh\talice\tk4.public.xyz\t7\t0\tx\n", fits));
    EXPECT_STREQ(big_kid, "k4.pid.abcdefgh");
    EXPECT_EQ(created, 7);
}

TEST(SpentToken, RoundTripsAndDigestsAreStable)
{
    auto a = redline::store::digest_jti("0123456789abcdef0123456789abcdef");
    auto b = redline::store::digest_jti("0123456789abcdef0123456789abcdef");
    auto c = redline::store::digest_jti("0123456789abcdef0123456789abcdee");
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    redline::store::SpentToken spent{a, 1795542319};
    auto line = redline::store::format_spent(spent);
    EXPECT_EQ(line.size(), 32u + 1u + 10u);
    auto back = redline::store::parse_spent(line);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->digest, a);
    EXPECT_EQ(back->expires, 1795542319);
    for (const char *bad : {"", "zz", "0123456789abcdef0123456789abcdeg 1", "0123456789abcdef0123456789abcdef",
                            "0123456789abcdef0123456789abcdef x"})
        EXPECT_FALSE(redline::store::parse_spent(bad).has_value()) << bad;
}

TEST(Redact, MasksEveryTokenInPlaceKeepingLengths)
{
    std::string text = "SELECT redline.unlock('v4.public.eyJhbXIi-_0.eyJraWQiOiJrNC5w'); SET redline.session_token = "
                       "'v4.public.AAAA'";
    std::string before = text;
    ASSERT_TRUE(redline::has_token(text.c_str()));
    EXPECT_TRUE(redline::mask_tokens(text.data()));
    EXPECT_EQ(text.size(), before.size());
    const std::string first_body = "eyJhbXIi-_0.eyJraWQiOiJrNC5w";
    EXPECT_EQ(text, "SELECT redline.unlock('v4.public." + std::string(first_body.size(), 'x') +
                        "'); SET redline.session_token = 'v4.public.xxxx'");
    EXPECT_FALSE(redline::mask_tokens(text.data())) << "masking twice changes nothing";
}

TEST(Redact, LeavesOtherTextAlone)
{
    std::string text = "SELECT 'v4.locale', 'k4.public.abc', 'v4.publi'";
    EXPECT_FALSE(redline::has_token(text.c_str()));
    EXPECT_FALSE(redline::mask_tokens(text.data()));
    EXPECT_FALSE(redline::has_token(nullptr));
    EXPECT_FALSE(redline::mask_tokens(nullptr));
}

redline::LockContext alice{"alice", "production", true};

TEST(LockRefusals, SayWhatWhyAndHowToUnlock)
{
    auto r = redline::refuse_locked_write("UPDATE on public.accounts", alice);
    EXPECT_STREQ(r.sqlstate, redline::sqlstate::session_locked);
    EXPECT_EQ(r.message, "UPDATE on public.accounts refused: this production session of role \"alice\" is read-only "
                         "until it is unlocked");
    EXPECT_NE(r.detail.find("Nothing was changed."), std::string::npos);
    EXPECT_NE(r.hint.find("redline token PROFILE --sql"), std::string::npos);
    EXPECT_NE(r.hint.find("redline.unlock"), std::string::npos);
}

TEST(LockRefusals, HintWithoutTheExtensionUsesTheSetting)
{
    redline::LockContext bare{"alice", "production", false};
    auto r = redline::refuse_locked_write("CREATE TABLE", bare);
    EXPECT_NE(r.hint.find("SET redline.session_token"), std::string::npos);
    EXPECT_EQ(r.hint.find("SELECT redline.unlock"), std::string::npos);
}

TEST(LockRefusals, AnExemptRoleReachedFromAnotherSessionSaysWhoOpenedIt)
{
    redline::LockContext reached{"app_service", "production", true,
                                 "this session was opened by backend PID 4242 of this server for a session of role "
                                 "\"alice\""};
    auto r = redline::refuse_locked_write("UPDATE on public.accounts", reached);
    EXPECT_STREQ(r.sqlstate, redline::sqlstate::session_locked);
    EXPECT_EQ(r.detail, "Role \"app_service\" is in redline.exempt_roles, but this session was opened by backend PID "
                        "4242 of this server for a session of role \"alice\": a connection the server opens to itself "
                        "is never more exempt than the session it was opened for. Nothing was changed.");
    EXPECT_NE(r.hint.find("Write from the session that opened this connection"), std::string::npos);
    EXPECT_EQ(r.hint.find("redline connect PROFILE --write"), std::string::npos);
    EXPECT_EQ(redline::refuse_before_unlock("SELECT", reached).detail, r.detail);
}

TEST(LockRefusals, GateAndTokenCodes)
{
    EXPECT_STREQ(redline::refuse_before_unlock("reading public.accounts", alice).sqlstate,
                 redline::sqlstate::connect_gate);
    auto t = redline::refuse_token("it expired at 2026-11-24T17:00:00Z", alice);
    EXPECT_STREQ(t.sqlstate, redline::sqlstate::token_refused);
    EXPECT_EQ(t.message, "session token refused: it expired at 2026-11-24T17:00:00Z");
}

TEST(LockRefusals, BannerSaysLockedOrUntilWhen)
{
    EXPECT_EQ(redline::session_banner(alice, true, false, ""),
              "redline: PRODUCTION — session of \"alice\" is read-only until unlocked with a session token "
              "(`redline token PROFILE --sql`)");
    EXPECT_EQ(redline::session_banner(alice, false, false, "2026-11-24T17:45:19Z"),
              "redline: PRODUCTION — session of \"alice\" unlocked for writes until 2026-11-24T17:45:19Z");
    EXPECT_NE(redline::session_banner(alice, true, true, "").find("is locked until"), std::string::npos);
}

TEST(EnvironmentDefaults, OnlyProductionLocksByDefault)
{
    using redline::Environment;
    using redline::TokenRequirement;
    EXPECT_EQ(redline::environment_defaults(Environment::production).require_token, TokenRequirement::write);
    EXPECT_EQ(redline::environment_defaults(Environment::staging).require_token, TokenRequirement::none);
    EXPECT_EQ(redline::environment_defaults(Environment::development).require_token, TokenRequirement::none);
    EXPECT_EQ(redline::environment_defaults(Environment::local).require_token, TokenRequirement::none);
    EXPECT_STREQ(redline::token_requirement_name(TokenRequirement::connect), "connect");
}

} // namespace
