// The three outputs of redline audit. JSON and CSV keep every value exactly (a SIEM must see
// what the server stored); the table shortens and defuses text, because a statement holding
// an escape sequence must not be able to repaint the auditor's terminal.
#include "audit/format.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace redline::cli {

namespace {

// The code point at text[at] and its length in bytes; length 0 when the bytes there are not
// well-formed UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t at)
{
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(at);
    if (lead < 0x80)
        return {lead, 1};
    std::size_t length = lead > 0xf4 ? 0 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
    if (length == 0 || at + length > text.size())
        return {0, 0};
    char32_t cp = lead & (0x7f >> length);
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xc0) != 0x80)
            return {0, 0};
        cp = (cp << 6) | (byte(at + i) & 0x3f);
    }
    bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
    if (overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return {0, 0};
    return {cp, length};
}

bool is_blank(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f'; }

} // namespace

std::string table_time(const std::optional<std::string> &iso)
{
    // 2026-11-24T17:45:19.123456+01:00 -> 2026-11-24 17:45:19: the zone is said once, apart.
    if (!iso || iso->size() < 19)
        return iso ? terminal_safe(*iso) : "-";
    std::string out = terminal_safe(iso->substr(0, 19));
    out[10] = ' ';
    return out;
}

std::string table_cell(const std::optional<std::string> &value, std::size_t width)
{
    return value && !value->empty() ? shorten(*value, width) : "-";
}

std::string terminal_safe(std::string_view text)
{
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        auto [cp, length] = decode(text, at);
        if (length == 0) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[at]));
            ++at;
            continue;
        }
        if (cp < 0x20 || cp == 0x7f)
            out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
        else if (cp >= 0x80 && cp < 0xa0)
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
        else
            out.append(text.substr(at, length));
        at += length;
    }
    return out;
}

std::size_t display_width(std::string_view text)
{
    std::size_t width = 0;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t length = decode(text, at).second;
        at += length == 0 ? 1 : length;
        ++width;
    }
    return width;
}

std::string shorten(std::string_view text, std::size_t width)
{
    std::string flat;
    for (char c : text) {
        if (is_blank(c)) {
            if (!flat.empty() && flat.back() != ' ')
                flat += ' ';
        } else {
            flat += c;
        }
    }
    while (!flat.empty() && flat.back() == ' ')
        flat.pop_back();
    std::string safe = terminal_safe(flat);
    if (display_width(safe) <= width)
        return safe;
    // Cut at a character boundary, leaving room for the ellipsis.
    std::string out;
    std::size_t shown = 0;
    for (std::size_t at = 0; at < safe.size() && shown + 1 < width;) {
        std::size_t length = std::max<std::size_t>(decode(safe, at).second, 1);
        out.append(safe.substr(at, length));
        at += length;
        ++shown;
    }
    return out + "…";
}

std::string table_role(const std::optional<std::string> &session, const std::optional<std::string> &effective)
{
    std::string role = table_cell(session, 30);
    if (effective && !effective->empty() && effective != session)
        role += " as " + table_cell(effective, 30);
    return role;
}

std::string csv_field(const std::optional<std::string> &value)
{
    if (!value)
        return "";
    const std::string &text = *value;
    bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
                 (!text.empty() && (text.front() == ' ' || text.back() == ' '));
    if (!quote)
        return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

std::string audit_csv(const QueryRows &rows)
{
    std::string out;
    auto record = [&out](const std::vector<std::optional<std::string>> &fields) {
        for (std::size_t i = 0; i < fields.size(); ++i)
            out += (i == 0 ? "" : ",") + csv_field(fields[i]);
        out += "\r\n";
    };
    std::vector<std::optional<std::string>> header(rows.columns.begin(), rows.columns.end());
    record(header);
    for (const auto &row : rows.rows)
        record(row);
    return out;
}

nlohmann::ordered_json audit_json(const QueryRows &rows, std::size_t r)
{
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < rows.columns.size(); ++c) {
        const std::string &name = rows.columns[c];
        const std::optional<std::string> &value = rows.rows[r][c];
        unsigned type = rows.types.size() > c ? rows.types[c] : 0;
        if (!value) {
            object[name] = nullptr;
        } else if (type == int2_oid || type == int4_oid || type == int8_oid) {
            object[name] = std::stoll(*value);
        } else if (name == "xid") {
            // xid8 is unsigned 64-bit: a JSON number, as the server prints it.
            object[name] = std::stoull(*value);
        } else if (type == bool_oid) {
            object[name] = *value == "t";
        } else if (type == json_oid) {
            // The server built it (to_json(objects), the review's lists): kept as JSON.
            object[name] = nlohmann::ordered_json::parse(*value, nullptr, false);
            if (object[name].is_discarded())
                object[name] = *value;
        } else {
            object[name] = *value;
        }
    }
    return object;
}

std::string audit_json_line(const QueryRows &rows, std::size_t r)
{
    return audit_json(rows, r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string audit_json_lines(const QueryRows &rows)
{
    std::string out;
    for (std::size_t r = 0; r < rows.rows.size(); ++r)
        out += audit_json_line(rows, r) + "\n";
    return out;
}

std::optional<std::string> column_value(const QueryRows &rows, std::size_t r, std::string_view name)
{
    for (std::size_t c = 0; c < rows.columns.size(); ++c)
        if (rows.columns[c] == name)
            return rows.rows[r][c];
    return std::nullopt;
}

fmt::text_style decision_style(std::string_view decision, const Palette &palette)
{
    if (decision == "refused")
        return palette.danger;
    if (decision == "rolled_back" || decision == "failed")
        return palette.warning;
    return {};
}

std::string aligned_table(const std::vector<std::string> &header, const std::vector<std::vector<std::string>> &cells,
                          const std::vector<fmt::text_style> &styles, const Palette &palette)
{
    std::vector<std::size_t> widths(header.size());
    for (std::size_t c = 0; c < header.size(); ++c)
        widths[c] = display_width(header[c]);
    for (const auto &line : cells)
        for (std::size_t c = 0; c < line.size() && c < widths.size(); ++c)
            widths[c] = std::max(widths[c], display_width(line[c]));
    auto layout = [&](const std::vector<std::string> &line) {
        std::string out;
        for (std::size_t c = 0; c < line.size(); ++c) {
            out += line[c];
            if (c + 1 < line.size())
                out += std::string(widths[c] - display_width(line[c]) + 2, ' ');
        }
        return out;
    };
    std::string out = fmt::format(palette.muted, "{}", layout(header)) + "\n";
    for (std::size_t i = 0; i < cells.size(); ++i)
        out += fmt::format(i < styles.size() ? styles[i] : fmt::text_style{}, "{}", layout(cells[i])) + "\n";
    return out;
}

std::string audit_table(const QueryRows &rows, const Palette &palette)
{
    if (rows.rows.empty())
        return "";
    std::vector<std::vector<std::string>> cells;
    std::vector<fmt::text_style> styles;
    for (std::size_t r = 0; r < rows.rows.size(); ++r) {
        auto value = [&](std::string_view name) { return column_value(rows, r, name); };
        auto what = value("statement");
        if (!what || what->empty())
            what = value("reason");
        std::string decision = value("decision").value_or("");
        cells.push_back({table_cell(value("id")), table_time(value("at")), table_cell(value("event")),
                         table_cell(value("decision")), table_role(value("session_role"), value("effective_role")),
                         table_cell(value("database"), 30), table_cell(value("client_addr")), table_cell(value("rows")),
                         table_cell(what, 72)});
        styles.push_back(decision_style(decision, palette));
    }
    return aligned_table({"id", "at", "event", "decision", "role", "database", "client", "rows", "statement"}, cells,
                         styles, palette);
}

} // namespace redline::cli
