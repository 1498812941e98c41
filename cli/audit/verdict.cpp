// Words for a tampered audit log. redline's own guards refuse every change to the log, so a
// broken chain means someone with superuser rights switched them off first: the advice says
// where that leaves traces.
#include "audit/verdict.hpp"
#include "audit/format.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace redline::cli {

namespace {

std::string row_words(long long id, const std::optional<BadRow> &row)
{
    if (!row || row->id != id)
        return fmt::format("row {}", id);
    return fmt::format("row {} ({} by {} at {}, lane {}, lane_seq {})", id, terminal_safe(row->event),
                       row->role.empty() ? "no role" : terminal_safe(row->role), table_time(row->at), row->lane,
                       row->lane_seq);
}

} // namespace

VerifyResult verify_result(const QueryRows &rows)
{
    if (rows.rows.size() != 1)
        throw std::runtime_error(
            fmt::format("redline.verify_audit() returned {} rows instead of one", rows.rows.size()));
    auto value = [&](std::string_view name) { return column_value(rows, 0, name); };
    auto number = [&](std::string_view name) -> std::optional<long long> {
        auto text = value(name);
        return text ? std::optional<long long>(std::stoll(*text)) : std::nullopt;
    };
    auto ok = value("ok");
    if (!ok)
        throw std::runtime_error("redline.verify_audit() returned no ok column: is this redline's function?");
    VerifyResult result;
    result.ok = *ok == "t";
    result.rows_checked = number("rows_checked").value_or(0);
    result.lanes_checked = number("lanes_checked").value_or(0);
    result.first_bad_id = number("first_bad_id");
    result.problem = value("problem").value_or("");
    result.detail = value("detail").value_or("");
    return result;
}

std::string explain_problem(const VerifyResult &verify, const std::optional<BadRow> &row)
{
    if (verify.ok)
        return "";
    long long id = verify.first_bad_id.value_or(0);
    std::string which = verify.first_bad_id ? row_words(id, row) : "a row";
    if (verify.problem == "changed")
        return fmt::format("{} no longer matches its hash: its content (statement, roles, time, decision...) was "
                           "changed after redline wrote it",
                           which);
    if (verify.problem == "removed") {
        // The server names either the removed row itself or the first row after the gap.
        if (verify.first_bad_id && (!row || row->id != id))
            return fmt::format("row {} is no longer in the table: it was deleted after redline wrote it", id);
        return fmt::format("rows are missing from lane {} before {}: they were deleted after redline wrote them",
                           row->lane, which);
    }
    if (verify.problem == "linked")
        return "redline.audit_log is linked to another table by inheritance or partitioning: a child's rows show in "
               "a SELECT on the log as if redline had written them, and statements on a parent reach into it; "
               "redline refuses to make such a link, so it was made with redline's guards switched off";
    if (verify.problem == "inserted")
        return fmt::format("{} does not belong to its lane's hash chain: it was added to the table by something "
                           "other than redline's audit writer",
                           which);
    return fmt::format("redline.verify_audit() reports \"{}\" at {}", terminal_safe(verify.problem), which);
}

std::string tamper_advice(const std::string &profile)
{
    return fmt::format(
        "redline refuses every UPDATE, DELETE and INSERT on redline.audit_log, so whoever did this had superuser "
        "rights and switched redline's guards off first (redline.enforce = off in postgresql.conf and a reload, "
        "ALTER SYSTEM, or the table's files edited directly). Keep a copy of the table as it is now (pg_dump -t "
        "redline.audit_log), list the policy changes around that time (redline audit {} --event policy_change "
        "--since 30d), and read the server log for redline.enforce being switched off, configuration reloads and "
        "superuser sessions.",
        profile);
}

std::string verdict_text(const Verdict &v, const Palette &palette)
{
    std::string out;
    const VerifyResult &r = v.verify;
    std::string counted = fmt::format("{} rows in {} lanes checked", r.rows_checked, r.lanes_checked);
    if (r.ok) {
        out += fmt::format("verify_audit(): {}: {}\n", counted, fmt::styled("every hash chain is intact", palette.ok));
    } else {
        out += fmt::format("verify_audit(): {}: {}\n", counted, fmt::styled("TAMPERED", palette.danger));
        out += fmt::format("  {}\n", fmt::styled(explain_problem(r, v.bad_row), palette.danger));
        if (!r.detail.empty())
            out += fmt::format("  the server says: {}\n", terminal_safe(r.detail));
    }
    if (v.pins_checked == 0) {
        out += fmt::format(palette.muted, "pinned lane heads: none yet for profile {}\n", v.profile);
    } else if (v.pin_breaks.empty()) {
        out +=
            fmt::format("pinned lane heads: {} checked: {}\n", v.pins_checked, fmt::styled("all in place", palette.ok));
    } else {
        out += fmt::format("pinned lane heads: {} checked: {}\n", v.pins_checked,
                           fmt::styled(fmt::format("{} no longer in place", v.pin_breaks.size()), palette.danger));
        for (const PinBreak &b : v.pin_breaks)
            out += fmt::format("  {}\n", fmt::styled(explain_pin_break(b), palette.danger));
    }
    if (!v.intact()) {
        out += fmt::format("what to do: {}\n", tamper_advice(v.profile));
        out += fmt::format(palette.muted,
                           "the pinned heads in {} were kept as they were, so every --verify reports "
                           "this until it is resolved\n",
                           v.pin_file);
    } else if (v.pinned > 0) {
        out += fmt::format(palette.muted,
                           "pinned {} lane heads in {}: the next --verify checks that they are still "
                           "there\n",
                           v.pinned, v.pin_file);
    }
    return out;
}

std::string verdict_json(const Verdict &v)
{
    nlohmann::ordered_json out;
    out["profile"] = v.profile;
    out["database"] = v.database;
    out["ok"] = v.intact();
    out["rows_checked"] = v.verify.rows_checked;
    out["lanes_checked"] = v.verify.lanes_checked;
    out["first_bad_id"] = v.verify.first_bad_id ? nlohmann::ordered_json(*v.verify.first_bad_id) : nullptr;
    out["problem"] = v.verify.problem.empty() ? nullptr : nlohmann::ordered_json(v.verify.problem);
    out["detail"] = v.verify.detail.empty() ? nullptr : nlohmann::ordered_json(v.verify.detail);
    out["explanation"] = v.verify.ok ? nullptr : nlohmann::ordered_json(explain_problem(v.verify, v.bad_row));
    nlohmann::ordered_json broken = nlohmann::ordered_json::array();
    static const char *kinds[] = {"lane_gone", "tail_removed", "row_gone", "rewritten"};
    for (const PinBreak &b : v.pin_breaks) {
        nlohmann::ordered_json item;
        item["kind"] = kinds[static_cast<int>(b.kind)];
        item["lane"] = b.pinned.lane;
        item["pinned_lane_seq"] = b.pinned.seq;
        item["pinned_hash"] = b.pinned.hash;
        item["id"] = b.id ? nlohmann::ordered_json(*b.id) : nullptr;
        item["last_lane_seq"] = b.last_seq ? nlohmann::ordered_json(*b.last_seq) : nullptr;
        item["hash"] = b.hash_now.empty() ? nullptr : nlohmann::ordered_json(b.hash_now);
        item["explanation"] = explain_pin_break(b);
        broken.push_back(item);
    }
    nlohmann::ordered_json pins;
    pins["checked"] = v.pins_checked;
    pins["broken"] = broken;
    pins["pinned"] = v.pinned;
    pins["file"] = v.pin_file;
    out["pins"] = pins;
    out["advice"] = v.intact() ? nullptr : nlohmann::ordered_json(tamper_advice(v.profile));
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string verdict_summary(const Verdict &v)
{
    if (v.intact())
        return "";
    std::string what;
    if (!v.verify.ok)
        what = explain_problem(v.verify, v.bad_row);
    else
        what = explain_pin_break(v.pin_breaks.front());
    std::string more = !v.verify.ok && !v.pin_breaks.empty()
                           ? fmt::format(" (and {} pinned lane head{} no longer in place)", v.pin_breaks.size(),
                                         v.pin_breaks.size() == 1 ? " is" : "s are")
                       : v.verify.ok && v.pin_breaks.size() > 1
                           ? fmt::format(" (and {} more pinned lane head{})", v.pin_breaks.size() - 1,
                                         v.pin_breaks.size() == 2 ? "" : "s")
                           : "";
    return fmt::format("the audit log of profile {} (database {}) was tampered with: {}{}", v.profile,
                       terminal_safe(v.database), what, more);
}

} // namespace redline::cli
