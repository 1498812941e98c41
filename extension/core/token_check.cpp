// Runs token/session_check for the server and flattens its verdict into plain data.
#include "token_check.hpp"
#include "store_format.hpp"

#include "paserk.hpp"
#include "rfc3339.hpp"
#include "session_check.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <cstring>
#include <fmt/format.h>
#include <string>
#include <vector>

namespace redline::token_check {

namespace {

void copy_out(const std::string &text, char *buf, std::size_t cap)
{
    std::size_t n = text.size() < cap - 1 ? text.size() : cap - 1;
    std::memcpy(buf, text.data(), n);
    buf[n] = '\0';
}

std::vector<std::string> split_list(const char *list)
{
    std::vector<std::string> out;
    std::string item;
    for (const char *p = list; p != nullptr; ++p) {
        if (*p == ',' || *p == '\0') {
            while (!item.empty() && item.back() == ' ')
                item.pop_back();
            if (!item.empty())
                out.push_back(item);
            item.clear();
            if (*p == '\0')
                break;
        } else if (*p != ' ' || !item.empty()) {
            item += *p;
        }
    }
    return out;
}

} // namespace

bool read_kid(const char *token, char *kid, std::size_t cap) noexcept
{
    try {
        auto found = token::token_kid(token);
        if (!found || found->empty() || found->size() >= cap)
            return false;
        copy_out(*found, kid, cap);
        return true;
    } catch (...) {
        return false;
    }
}

void check(const char *token, const KeyView *key, const Expect &expect, Verdict *out) noexcept
{
    std::memset(out, 0, sizeof *out);
    try {
        std::optional<token::EnrolledKey> enrolled;
        if (key != nullptr) {
            auto parsed = token::parse_paserk_public(key->paserk);
            if (!parsed) {
                copy_out("the key it names is enrolled in a form this server cannot read", out->reason,
                         sizeof out->reason);
                return;
            }
            enrolled = token::EnrolledKey{key->role, *parsed, key->revoked};
        }
        token::Expectations e;
        e.scope = expect.op != nullptr ? token::Scope::approve : token::Scope::session;
        if (expect.op != nullptr) {
            e.op = expect.op;
            e.obj = expect.obj != nullptr ? expect.obj : "";
        }
        e.role = expect.role;
        e.env = expect.env;
        e.cid = expect.cid;
        e.now = expect.now;
        e.max_ttl_seconds = expect.max_ttl;
        e.strong_methods = split_list(expect.strong_methods);
        auto verdict = token::check_token(token, enrolled, e);
        if (verdict.check != token::Check::ok) {
            out->other_operation = verdict.check == token::Check::wrong_operation;
            copy_out(verdict.detail.empty() ? std::string(token::describe(verdict.check)) : verdict.detail, out->reason,
                     sizeof out->reason);
            return;
        }
        auto digest = store::digest_jti(verdict.claims.jti);
        std::memcpy(out->jti_digest, digest.data(), digest.size());
        out->expires = verdict.claims.exp;
        std::string amr;
        for (const auto &m : verdict.claims.amr)
            amr += (amr.empty() ? "" : ",") + m;
        copy_out(amr, out->amr, sizeof out->amr);
        out->ok = true;
    } catch (...) {
        out->ok = false;
        copy_out("it could not be checked (out of memory)", out->reason, sizeof out->reason);
    }
}

void shown_token(const char *token, const KeyView &key, ShownToken *out) noexcept
{
    std::memset(out, 0, sizeof *out);
    try {
        auto parsed = token::parse_paserk_public(key.paserk);
        if (!parsed)
            return;
        // Expectations nothing meets: every check after the claims fails, and the claims of a
        // token whose signature verified are read whatever it was for.
        token::Expectations e;
        auto verdict = token::check_token(token, token::EnrolledKey{key.role, *parsed, key.revoked}, e);
        switch (verdict.check) {
        case token::Check::malformed:
        case token::Check::unknown_key:
        case token::Check::revoked_key:
        case token::Check::bad_signature:
        case token::Check::bad_claims:
            return;
        default:
            break;
        }
        if (verdict.claims.jti.empty())
            return;
        auto digest = store::digest_jti(verdict.claims.jti);
        std::memcpy(out->jti_digest, digest.data(), digest.size());
        out->expires = verdict.claims.exp;
        out->ok = true;
    } catch (...) {
        out->ok = false;
    }
}

void format_time(std::int64_t seconds, char *buf, std::size_t cap) noexcept
{
    try {
        auto text = token::format_rfc3339(seconds);
        copy_out(text ? *text : std::string("?"), buf, cap);
    } catch (...) {
        copy_out("?", buf, cap);
    }
}

bool key_id_of(const char *paserk_public, char *kid, std::size_t cap) noexcept
{
    try {
        auto key = token::parse_paserk_public(paserk_public);
        if (!key)
            return false;
        auto pid = token::paserk_pid(*key);
        if (!pid || pid->size() >= cap)
            return false;
        copy_out(*pid, kid, cap);
        return true;
    } catch (...) {
        return false;
    }
}

} // namespace redline::token_check
