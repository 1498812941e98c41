// What redline audit --verify tells a person: redline.verify_audit()'s answer and the pinned
// lane heads' check, in words: which row, what was done to it, who could have done it, and
// what to do next.
#pragma once

#include "audit/pins.hpp"
#include "server/query.hpp"
#include "terminal/palette.hpp"

#include <optional>
#include <string>
#include <vector>

namespace redline::cli {

// redline.verify_audit()'s one row.
struct VerifyResult {
    bool ok = false;
    long long rows_checked = 0;
    long long lanes_checked = 0;
    std::optional<long long> first_bad_id;
    std::string problem; // "" when ok; changed, removed or inserted
    std::string detail;  // the server's sentence
};

// Reads the row. Throws std::runtime_error when the function did not return one row of the
// documented columns.
VerifyResult verify_result(const QueryRows &rows);

// The row at first_bad_id as the server has it now, to name it in words.
struct BadRow {
    long long id = 0;
    std::string at; // ISO 8601
    std::string event;
    std::string role;
    long long lane = 0;
    long long lane_seq = 0;
};

// Everything one --verify found, for the report.
struct Verdict {
    std::string profile;
    std::string database;
    VerifyResult verify;
    std::optional<BadRow> bad_row;
    std::size_t pins_checked = 0;     // pinned heads compared (0: no pin file yet)
    std::vector<PinBreak> pin_breaks; // pinned heads no longer in place
    std::size_t pinned = 0;           // heads pinned by this run (0: none, the log is not intact)
    std::string pin_file;             // where the pins are kept
    bool intact() const { return verify.ok && pin_breaks.empty(); }
};

// What verify_audit()'s problem means, in one sentence naming the row: "row 42 (write by
// alice at ..., lane 40, lane_seq 3) no longer matches its hash: ...". `row` is the row at
// first_bad_id as the table holds it now; nullopt when it is gone.
std::string explain_problem(const VerifyResult &verify, const std::optional<BadRow> &row);

// Who can have done it and what to do next, for any finding; names the profile in the
// commands it suggests.
std::string tamper_advice(const std::string &profile);

// The report for a person: verify_audit()'s answer, the pins', and where the heads were
// pinned; ends with a newline.
std::string verdict_text(const Verdict &verdict, const Palette &palette);

// The report as one JSON object (ok, rows_checked, lanes_checked, first_bad_id, problem,
// detail, explanation, pins: checked, broken[], pinned, file), ended by a newline.
std::string verdict_json(const Verdict &verdict);

// The one line for stderr when the log was tampered with: which row or lane, where to read on.
std::string verdict_summary(const Verdict &verdict);

} // namespace redline::cli
