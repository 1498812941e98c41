// SHA-256 hash chain of the audit log (OpenSSL EVP).
#include "audit_hash.hpp"

#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <openssl/evp.h>

namespace redline {

namespace {

constexpr unsigned char tag_null = 0;
constexpr unsigned char tag_text = 1;
constexpr unsigned char tag_int = 2;
constexpr unsigned char tag_array = 3;
constexpr char row_label[] = "redline audit row v1";
constexpr char lane_label[] = "redline audit lane v1";

void put(AuditHasher *h, const void *data, size_t len) noexcept
{
    if (h->failed || len == 0)
        return;
    if (h->len + len > h->cap) {
        size_t cap = h->cap * 2;
        while (cap < h->len + len)
            cap *= 2;
        auto *grown = static_cast<unsigned char *>(std::malloc(cap));
        if (grown == nullptr) {
            h->failed = true;
            return;
        }
        std::memcpy(grown, h->data, h->len);
        if (h->data != h->inline_data)
            std::free(h->data);
        h->data = grown;
        h->cap = cap;
    }
    std::memcpy(h->data + h->len, data, len);
    h->len += len;
}

void put_u64(AuditHasher *h, uint64_t v) noexcept
{
    unsigned char be[8];
    for (int i = 7; i >= 0; --i) {
        be[i] = static_cast<unsigned char>(v & 0xff);
        v >>= 8;
    }
    put(h, be, sizeof be);
}

void start(AuditHasher *h) noexcept
{
    h->data = h->inline_data;
    h->len = 0;
    h->cap = sizeof h->inline_data;
    h->failed = false;
}

// Fetched once per process: OpenSSL 3 looks the algorithm up on every implicit use.
const EVP_MD *sha256() noexcept
{
    static EVP_MD *md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md;
}

} // namespace

bool audit_lane_genesis(int64_t lane, unsigned char out[audit_digest_size]) noexcept
{
    AuditHasher h;
    start(&h);
    put(&h, lane_label, sizeof lane_label - 1);
    put_u64(&h, static_cast<uint64_t>(lane));
    return audit_hash_end(&h, out);
}

void audit_hash_begin(AuditHasher *h, const unsigned char prev[audit_digest_size]) noexcept
{
    start(h);
    put(h, row_label, sizeof row_label - 1);
    put(h, prev, audit_digest_size);
}

void audit_hash_null(AuditHasher *h) noexcept { put(h, &tag_null, 1); }

void audit_hash_text(AuditHasher *h, const char *text, size_t len) noexcept
{
    if (text == nullptr) {
        audit_hash_null(h);
        return;
    }
    put(h, &tag_text, 1);
    put_u64(h, len);
    put(h, text, len);
}

void audit_hash_int(AuditHasher *h, int64_t value) noexcept
{
    put(h, &tag_int, 1);
    put_u64(h, static_cast<uint64_t>(value));
}

void audit_hash_array_begin(AuditHasher *h, size_t count) noexcept
{
    put(h, &tag_array, 1);
    put_u64(h, count);
}

bool audit_hash_end(AuditHasher *h, unsigned char out[audit_digest_size]) noexcept
{
    bool ok = !h->failed && h->data != nullptr && sha256() != nullptr;
    unsigned int len = 0;
    if (ok && (EVP_Digest(h->data, h->len, out, &len, sha256(), nullptr) != 1 || len != audit_digest_size))
        ok = false;
    audit_hash_abandon(h);
    if (!ok)
        std::memset(out, 0, audit_digest_size);
    return ok;
}

void audit_hash_abandon(AuditHasher *h) noexcept
{
    if (h->data != nullptr && h->data != h->inline_data)
        std::free(h->data);
    h->data = nullptr;
    h->len = h->cap = 0;
}

void audit_digest_hex(const unsigned char digest[audit_digest_size], char *out) noexcept
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < audit_digest_size; ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xf];
    }
    out[2 * audit_digest_size] = '\0';
}

} // namespace redline

#include "audit_entry.hpp"
#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in

namespace redline {

namespace {
void hash_field(AuditHasher *h, const AuditEntry &e, AuditField f) noexcept
{
    const char *t = e.text[f];
    audit_hash_text(h, t, t != nullptr ? std::strlen(t) : 0);
}
} // namespace

bool audit_row_hash(const unsigned char prev[audit_digest_size], const AuditRowKey &key, const AuditEntry &e,
                    unsigned char out[audit_digest_size]) noexcept
{
    AuditHasher h;
    audit_hash_begin(&h, prev);
    audit_hash_int(&h, key.id);
    audit_hash_int(&h, e.at);
    for (AuditField f :
         {af_event, af_session_role, af_effective_role, af_database, af_client_addr, af_application_name})
        hash_field(&h, e, f);
    if (e.has_pid)
        audit_hash_int(&h, e.pid);
    else
        audit_hash_null(&h);
    hash_field(&h, e, af_environment);
    hash_field(&h, e, af_statement);
    if (e.nobjects < 0) {
        audit_hash_null(&h);
    } else {
        audit_hash_array_begin(&h, static_cast<size_t>(e.nobjects));
        for (int i = 0; i < e.nobjects; ++i)
            audit_hash_text(&h, e.objects[i], e.objects[i] != nullptr ? std::strlen(e.objects[i]) : 0);
    }
    if (e.has_rows)
        audit_hash_int(&h, e.rows);
    else
        audit_hash_null(&h);
    for (AuditField f : {af_key_id, af_amr, af_decision, af_reason, af_sqlstate})
        hash_field(&h, e, f);
    if (e.has_xid)
        audit_hash_int(&h, static_cast<int64_t>(e.xid));
    else
        audit_hash_null(&h);
    audit_hash_int(&h, key.lane);
    audit_hash_int(&h, key.lane_seq);
    if (key.prev_id != 0)
        audit_hash_int(&h, key.prev_id);
    else
        audit_hash_null(&h);
    return audit_hash_end(&h, out);
}

} // namespace redline
