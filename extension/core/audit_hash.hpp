// The audit log's hash chain: each row's hash is SHA-256 over the previous hash of its lane
// and the row's columns in a fixed, unambiguous encoding (a tag per value, lengths before
// bytes, NULL distinct from empty). Plain C-style calls that never throw, so that frames
// calling into PostgreSQL can use them without owning C++ objects.
#pragma once

#include <cstddef>
#include <cstdint>

namespace redline {

inline constexpr size_t audit_digest_size = 32;

// Collects the encoding in one buffer and hashes it in one call: one digest per row, not
// one update per column.
struct AuditHasher {
    unsigned char *data = nullptr; // inline_data, or malloc'd when a row is larger
    size_t len = 0;
    size_t cap = 0;
    bool failed = false;
    unsigned char inline_data[1024];
};

// The hash a lane's first row chains to: SHA-256 of a fixed label and the lane number.
bool audit_lane_genesis(int64_t lane, unsigned char out[audit_digest_size]) noexcept;

// begin(prev) · value… · end(out). Every call is a no-op once one has failed; end() frees
// the context and returns false if anything failed.
void audit_hash_begin(AuditHasher *h, const unsigned char prev[audit_digest_size]) noexcept;
void audit_hash_null(AuditHasher *h) noexcept;
void audit_hash_text(AuditHasher *h, const char *text, size_t len) noexcept; // text == nullptr: NULL
void audit_hash_int(AuditHasher *h, int64_t value) noexcept;
void audit_hash_array_begin(AuditHasher *h, size_t count) noexcept; // then `count` texts
bool audit_hash_end(AuditHasher *h, unsigned char out[audit_digest_size]) noexcept;
void audit_hash_abandon(AuditHasher *h) noexcept;

// Lower-case hex of a digest into out (2 * audit_digest_size + 1 bytes).
void audit_digest_hex(const unsigned char digest[audit_digest_size], char *out) noexcept;

} // namespace redline
