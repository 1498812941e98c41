// Lane heads pinned by redline audit --verify: the last row of every lane (its position and
// hash) when the log was last found intact, kept on this machine so that the next --verify
// sees what redline.verify_audit() cannot: rows cut from the end of a lane, a lane deleted
// whole, or a lane rewritten with its hashes recomputed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

struct LaneHead {
    long long lane = 0; // the id of the lane's first row
    long long seq = 0;  // lane_seq of its last row
    std::string hash;   // that row's hash, lower-case hex
};

struct LanePins {
    std::string cluster;   // redline.cluster_id of the server
    std::string database;  // the database whose redline.audit_log was verified
    std::string pinned_at; // the server's now() at the verify, ISO 8601
    std::vector<LaneHead> heads;
};

// The pin file's text: a comment that says what it is, then one line per fact.
std::string format_pins(const LanePins &pins, const std::string &profile);

// Reads format_pins' text strictly. Throws std::runtime_error naming `where` and the line at
// fault.
LanePins parse_pins(std::string_view text, const std::string &where);

// $XDG_CONFIG_HOME/redline/audit-pins/PROFILE.heads; creates the private directory.
std::filesystem::path pin_file(const std::string &profile);

// The pins in `file`; nullopt when it does not exist. Throws std::runtime_error when it cannot
// be read or is not a pin file.
std::optional<LanePins> load_pins(const std::filesystem::path &file);

// Replaces `file` atomically, mode 0600.
void save_pins(const std::filesystem::path &file, const LanePins &pins, const std::string &profile);

// What the server holds now at a pinned position: the row at (lane, seq) if any, and the
// lane's last lane_seq if the lane has rows at all.
struct LaneNow {
    long long lane = 0;
    long long seq = 0;
    std::optional<long long> id;
    std::optional<std::string> hash;
    std::optional<long long> last_seq;
};

struct PinBreak {
    enum class Kind {
        lane_gone,    // no row of the lane is left
        tail_removed, // the lane now ends before the pinned row
        row_gone,     // the pinned row is missing though later rows of its lane exist
        rewritten,    // a row is at the pinned position, with another hash
    };
    Kind kind = Kind::lane_gone;
    LaneHead pinned;
    std::optional<long long> id;       // the row now at the pinned position
    std::optional<long long> last_seq; // the lane's last lane_seq now
    std::string hash_now;
};

// Each pinned head that is not where and what it was. `now` holds one entry per pinned head
// (a head missing from it counts as a lane with no rows).
std::vector<PinBreak> check_pins(const std::vector<LaneHead> &pinned, const std::vector<LaneNow> &now);

// One sentence for a person: which row, what became of it.
std::string explain_pin_break(const PinBreak &pin_break);

} // namespace redline::cli
