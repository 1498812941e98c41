// libFuzzer target for all code that reads untrusted token input, with a fixed key; besides
// crashes and sanitizer reports, it aborts when a property that holds for any input breaks.
#include "base64url.hpp"
#include "claims.hpp"
#include "duration.hpp"
#include "footer.hpp"
#include "keys.hpp"
#include "paserk.hpp"
#include "paseto.hpp"
#include "rfc3339.hpp"
#include "session_check.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace redline::token;

// The key pair of the official PASETO vectors 4-S-1..3, so seed tokens from those vectors
// verify and the fuzzer can start from inputs that reach the signature check.
const unsigned char fixed_secret[secret_key_size] = {
    0xb4, 0xcb, 0xfb, 0x43, 0xdf, 0x4c, 0xe2, 0x10, 0x72, 0x7d, 0x95, 0x3e, 0x4a, 0x71, 0x33, 0x07,
    0xfa, 0x19, 0xbb, 0x7d, 0x9f, 0x85, 0x04, 0x14, 0x38, 0xd9, 0xe1, 0x1b, 0x94, 0x2a, 0x37, 0x74,
    0x1e, 0xb9, 0xdb, 0xbb, 0xbc, 0x04, 0x7c, 0x03, 0xfd, 0x70, 0x60, 0x4e, 0x00, 0x71, 0xf0, 0x98,
    0x7e, 0x16, 0xb2, 0x8b, 0x75, 0x72, 0x25, 0xc1, 0x1f, 0x00, 0x41, 0x5d, 0x0e, 0x20, 0xb1, 0xa2,
};

struct FixedKeys {
    SecretKey secret;
    PublicKey public_key;

    FixedKeys()
    {
        for (std::size_t i = 0; i < secret_key_size; ++i)
            secret.bytes[i] = fixed_secret[i];
        public_key = public_half(secret);
    }
};

const FixedKeys &keys()
{
    static const FixedKeys fixed;
    return fixed;
}

// A broken property is a bug like a crash: abort so libFuzzer saves the input.
void require(bool property, const char *what)
{
    if (!property) {
        std::fprintf(stderr, "property violated: %s\n", what);
        std::abort();
    }
}

bool same_claims(const Claims &a, const Claims &b)
{
    return a.sub == b.sub && a.env == b.env && a.cid == b.cid && a.scope == b.scope && a.op == b.op && a.obj == b.obj &&
           a.iat == b.iat && a.exp == b.exp && a.nbf == b.nbf && a.jti == b.jti && a.amr == b.amr;
}

// The server's whole check, with the fixed key enrolled and without it: a token gets past
// the signature only if verify() accepts it, and a key id is read only from a token's footer.
void fuzz_check(std::string_view input, bool verifies)
{
    Expectations expect;
    expect.role = "alice";
    expect.env = "production";
    expect.cid = "7234123412341234123";
    expect.now = 1795539600;
    expect.max_ttl_seconds = 3600;
    auto kid = token_kid(input);
    auto enrolled = check_token(input, EnrolledKey{"alice", keys().public_key, false}, expect);
    auto unknown = check_token(input, std::nullopt, expect);
    require((enrolled.check == Check::malformed) == !kid, "malformed exactly when no key id can be read");
    require(unknown.check == (kid ? Check::unknown_key : Check::malformed), "no key, no further check");
    if (kid)
        require(enrolled.kid == *kid && unknown.kid == *kid, "the verdict names the footer's key id");
    if (enrolled.check > Check::bad_signature)
        require(verifies, "nothing past the signature check without a valid signature");
    require(enrolled.ok() == enrolled.detail.empty(), "every refusal says why");
}

void fuzz_token(std::string_view input)
{
    auto verified = verify(keys().public_key, input);
    auto peeked = peek_footer(input);
    // peek_footer applies the structural rules of verify() and no others.
    if (verified.ok())
        require(peeked.ok() && peeked.footer == verified.footer, "verified token has the same peeked footer");
    if (!peeked.ok())
        require(verified.error == peeked.error, "peek_footer and verify refuse a malformed token alike");
    if (verified.ok()) {
        auto claims = parse_claims(verified.message);
        (void)claims;
    }
    if (peeked.ok()) {
        auto footer = parse_footer(peeked.footer);
        (void)footer;
    }
    fuzz_check(input, verified.ok());
}

void fuzz_base64url(std::string_view input)
{
    auto encoded = base64url_encode(input);
    require(encoded && base64url_decode(*encoded) == std::string(input), "base64url round trip");
    // Strict decoding: whatever decodes has exactly one spelling, the encoder's.
    if (auto decoded = base64url_decode(input))
        require(base64url_encode(*decoded) == std::string(input), "decoded base64url is canonical");
}

void fuzz_json(std::string_view input)
{
    auto claims = parse_claims(input);
    if (claims.ok()) {
        auto written = serialize_claims(claims.claims);
        require(written.ok(), "parsed claims serialize");
        auto reread = parse_claims(written.json);
        require(reread.ok() && same_claims(reread.claims, claims.claims), "claims round trip");
    }
    auto footer = parse_footer(input);
    if (footer.ok()) {
        auto written = serialize_footer(footer.kid);
        require(written.ok() && parse_footer(written.json).kid == footer.kid, "footer round trip");
    }
}

void fuzz_keys(std::string_view input)
{
    if (auto key = parse_paserk_public(input)) {
        require(paserk_public(*key) == std::string(input), "k4.public has one spelling");
        require(paserk_pid(*key).has_value(), "k4.pid of a parsed key");
    }
    if (auto key = parse_paserk_secret(input))
        require(paserk_secret(*key) == std::string(input), "k4.secret has one spelling");
}

void fuzz_duration(std::string_view input)
{
    if (auto seconds = parse_duration(input)) {
        auto text = format_duration(*seconds);
        require(text && parse_duration(*text) == seconds, "duration round trip");
    }
}

void fuzz_time(std::string_view input)
{
    auto seconds = parse_rfc3339(input);
    if (!seconds)
        return;
    if (auto text = format_rfc3339(*seconds))
        require(parse_rfc3339(*text) == seconds, "RFC 3339 round trip");
}

// Signs the input with the fixed key, with a footer and implicit assertion carved from it,
// and checks the token verifies to the same parts and fails with any other assertion.
// Ed25519 is slow next to parsing, so only inputs whose first byte selects it do this.
void fuzz_sign(std::string_view input)
{
    if (input.size() < 3 || static_cast<unsigned char>(input[0]) % 8 != 0)
        return;
    std::size_t footer_size = static_cast<unsigned char>(input[1]) % (input.size() - 2);
    std::string_view footer = input.substr(2, footer_size);
    std::string_view message = input.substr(2 + footer_size);
    std::string_view assertion = footer.substr(0, footer.size() / 2);
    auto token = sign(keys().secret, message, footer, assertion);
    if (!token.ok()) {
        require(token.error == PasetoError::empty_message || token.error == PasetoError::too_long,
                "signing fails only for an empty or oversized message");
        return;
    }
    auto verified = verify(keys().public_key, token.token, assertion, footer);
    require(verified.ok() && verified.message == message && verified.footer == footer, "sign then verify");
    require(!verify(keys().public_key, token.token, std::string(assertion) + "x").ok(),
            "another implicit assertion is refused");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::string_view input(reinterpret_cast<const char *>(data), size);
    fuzz_token(input);
    fuzz_base64url(input);
    fuzz_json(input);
    fuzz_keys(input);
    fuzz_time(input);
    fuzz_duration(input);
    fuzz_sign(input);
    return 0;
}
