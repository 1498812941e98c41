// The pin file and the comparison of pinned heads with the server's rows. A hash chain
// without a secret can be recomputed by whoever rewrites it; a head remembered elsewhere
// cannot, which is why the heads live on the auditor's machine and not in the database.
#include "audit/pins.hpp"
#include "profiles/key_files.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace redline::cli {

namespace {

std::string quoted(const std::string &value)
{
    return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool lower_hex(std::string_view text)
{
    if (text.empty() || text.size() % 2 != 0)
        return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

std::optional<long long> positive(std::string_view text)
{
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    long long value = std::stoll(std::string(text));
    return value > 0 ? std::optional<long long>(value) : std::nullopt;
}

} // namespace

std::string format_pins(const LanePins &pins, const std::string &profile)
{
    std::string out =
        fmt::format("# redline audit lane heads for profile {}: the last row of every lane of redline.audit_log\n"
                    "# when redline audit {} --verify last found the log intact. The next --verify checks that each\n"
                    "# of these rows is still there with the same hash. Written by redline; do not edit.\n",
                    profile, profile);
    out += fmt::format("cluster {}\ndatabase {}\npinned_at {}\n", quoted(pins.cluster), quoted(pins.database),
                       quoted(pins.pinned_at));
    for (const LaneHead &head : pins.heads)
        out += fmt::format("head {} {} {}\n", head.lane, head.seq, head.hash);
    return out;
}

LanePins parse_pins(std::string_view text, const std::string &where)
{
    LanePins pins;
    std::set<std::string> seen;
    std::set<long long> lanes;
    std::istringstream in{std::string(text)};
    std::string line;
    int number = 0;
    auto bad = [&](const std::string &why) {
        throw std::runtime_error(fmt::format("{} line {}: {}", where, number, why));
    };
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#')
            continue;
        std::size_t space = line.find(' ');
        std::string key = line.substr(0, space);
        std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
        if (key == "head") {
            std::istringstream fields(rest);
            std::string lane, seq, hash, extra;
            fields >> lane >> seq >> hash;
            if (!(fields >> extra).fail() || !positive(lane) || !positive(seq) || !lower_hex(hash))
                bad("a head is: head LANE SEQ HASH (two positive integers and the hash in lower-case hex)");
            LaneHead head{*positive(lane), *positive(seq), hash};
            if (!lanes.insert(head.lane).second)
                bad(fmt::format("lane {} is pinned twice", head.lane));
            pins.heads.push_back(head);
            continue;
        }
        if (key != "cluster" && key != "database" && key != "pinned_at")
            bad(fmt::format("\"{}\" is not something a pin file holds", key));
        if (!seen.insert(key).second)
            bad(fmt::format("{} is given twice", key));
        nlohmann::json value = nlohmann::json::parse(rest, nullptr, false);
        if (value.is_discarded() || !value.is_string())
            bad(fmt::format("{} must be a quoted string", key));
        (key == "cluster"    ? pins.cluster
         : key == "database" ? pins.database
                             : pins.pinned_at) = value.get<std::string>();
    }
    for (const char *key : {"cluster", "database", "pinned_at"})
        if (seen.count(key) == 0)
            throw std::runtime_error(fmt::format("{}: no {} line: this is not a pin file redline wrote", where, key));
    return pins;
}

std::filesystem::path pin_file(const std::string &profile)
{
    return private_subdirectory("audit-pins") / (profile + ".heads");
}

std::optional<LanePins> load_pins(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec) && !ec)
            return std::nullopt;
        throw std::runtime_error(fmt::format("cannot read {}", file.string()));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_pins(text.str(), file.string());
}

void save_pins(const std::filesystem::path &file, const LanePins &pins, const std::string &profile)
{
    replace_private_file(file, format_pins(pins, profile));
}

std::vector<PinBreak> check_pins(const std::vector<LaneHead> &pinned, const std::vector<LaneNow> &now)
{
    // A lane may have two rows at one position when one was inserted out of band: the pinned
    // head is in place when one of them is the pinned row.
    std::multimap<long long, const LaneNow *> by_lane;
    for (const LaneNow &lane : now)
        by_lane.emplace(lane.lane, &lane);
    std::vector<PinBreak> breaks;
    for (const LaneHead &head : pinned) {
        auto [first, last] = by_lane.equal_range(head.lane);
        const LaneNow *found = nullptr;
        bool in_place = false;
        for (auto it = first; it != last; ++it) {
            const LaneNow *lane = it->second;
            if (lane->seq != head.seq)
                continue;
            in_place = in_place || (lane->id && lane->hash == head.hash);
            if (found == nullptr || (!found->id && lane->id))
                found = lane;
        }
        if (in_place)
            continue;
        PinBreak b;
        b.pinned = head;
        if (found != nullptr) {
            b.id = found->id;
            b.last_seq = found->last_seq;
            b.hash_now = found->hash.value_or("");
        }
        if (found == nullptr || !found->last_seq)
            b.kind = PinBreak::Kind::lane_gone;
        else if (!found->id)
            b.kind = *found->last_seq < head.seq ? PinBreak::Kind::tail_removed : PinBreak::Kind::row_gone;
        else
            b.kind = PinBreak::Kind::rewritten;
        breaks.push_back(std::move(b));
    }
    return breaks;
}

std::string explain_pin_break(const PinBreak &b)
{
    const LaneHead &p = b.pinned;
    switch (b.kind) {
    case PinBreak::Kind::lane_gone:
        return fmt::format("lane {} is gone: none of the {} pinned row{} of the lane that began with row {} is left in "
                           "the table; {} deleted",
                           p.lane, p.seq, p.seq == 1 ? "" : "s", p.lane, p.seq == 1 ? "it was" : "they were");
    case PinBreak::Kind::tail_removed: {
        long long cut = p.seq - b.last_seq.value_or(0);
        return fmt::format("lane {} now ends at lane_seq {}, but its row at lane_seq {} was pinned: the last {} of "
                           "the lane {} deleted",
                           p.lane, b.last_seq.value_or(0), p.seq, cut == 1 ? "row" : fmt::format("{} rows", cut),
                           cut == 1 ? "was" : "were");
    }
    case PinBreak::Kind::row_gone:
        return fmt::format("lane {}: the pinned row at lane_seq {} is missing while later rows of the lane exist: it "
                           "was deleted",
                           p.lane, p.seq);
    case PinBreak::Kind::rewritten:
        return fmt::format("lane {}: row {} (lane_seq {}) now has hash {}… where {}… was pinned: the lane was "
                           "rewritten up to that row since the last --verify",
                           p.lane, b.id.value_or(0), p.seq, b.hash_now.substr(0, 16), p.hash.substr(0, 16));
    }
    return "";
}

} // namespace redline::cli
