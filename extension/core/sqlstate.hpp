// redline's own SQLSTATEs (class RL), shared by the extension and its unit tests.
// The README documents each code; a code, once published, never changes meaning.
#pragma once

namespace redline::sqlstate {

inline constexpr char internal[] = "RL000";           // a C++ exception reached the boundary
inline constexpr char unqualified_write[] = "RL001";  // UPDATE/DELETE/MERGE that restricts no row
inline constexpr char row_budget[] = "RL002";         // more rows than redline.max_rows
inline constexpr char row_count_mismatch[] = "RL003"; // not the count stated in redline.expect_rows
inline constexpr char session_locked[] = "RL100";     // a write in a session that has not been unlocked
inline constexpr char token_refused[] = "RL101";      // a session token failed one of its checks
inline constexpr char connect_gate[] = "RL102";       // anything but unlock/status before unlocking
inline constexpr char approval_required[] = "RL200";  // a protected operation without a valid approval
inline constexpr char large_rewrite[] = "RL201";      // a rewrite or scan above redline.max_rewrite_size
inline constexpr char audit_append_only[] = "RL300";  // a change to redline.audit_log by anyone but redline

} // namespace redline::sqlstate

namespace redline {

// The integer PostgreSQL uses for a five-character SQLSTATE (MAKE_SQLSTATE).
constexpr int pg_sqlstate(const char *code)
{
    int value = 0;
    for (int i = 0; i < 5; ++i)
        value += ((code[i] - '0') & 0x3F) << (6 * i);
    return value;
}

} // namespace redline
