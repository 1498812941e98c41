// One audit event as redline carries it from where it happened to the row that records it
// (plain data: it crosses shared memory and frames that call into PostgreSQL), and the
// row hash over it in the column order of redline.audit_log.
#pragma once

#include "audit_hash.hpp"

#include <cstdint>

namespace redline {

enum AuditField {
    af_event, // class name: "write"
    af_session_role,
    af_effective_role,
    af_database,
    af_client_addr,
    af_application_name,
    af_environment,
    af_statement,
    af_key_id,
    af_amr,
    af_decision, // "allowed", "refused", "rolled_back", "failed"
    af_reason,
    af_sqlstate,
    af_count
};

struct AuditEntry {
    int64_t at = 0; // TimestampTz: microseconds since 2000-01-01 UTC
    bool has_pid = false;
    int32_t pid = 0;
    bool has_rows = false;
    int64_t rows = 0;
    bool has_xid = false;
    uint64_t xid = 0;                // FullTransactionId
    const char *text[af_count] = {}; // nullptr is NULL
    int nobjects = -1;               // -1 is NULL
    const char *const *objects = nullptr;
};

// Where a row sits: its id, and its lane (the id of the lane's first row) and place in it.
struct AuditRowKey {
    int64_t id = 0;
    int64_t lane = 0;
    int64_t lane_seq = 0;
    int64_t prev_id = 0; // the lane's previous row; 0 (NULL) for its first
};

// hash = SHA-256(label, prev, id, at, event, session_role, effective_role, database,
// client_addr, application_name, backend_pid, environment, statement, objects, rows,
// key_id, amr, decision, reason, sqlstate, xid, lane, lane_seq, prev_id).
bool audit_row_hash(const unsigned char prev[audit_digest_size], const AuditRowKey &key, const AuditEntry &entry,
                    unsigned char out[audit_digest_size]) noexcept;

} // namespace redline
