// How redline audit prints rows of redline.audit_log: an aligned table for a person, JSON
// lines for a SIEM, RFC 4180 CSV for a spreadsheet. Audit rows hold text that anyone could
// have typed (statements, role and application names), so nothing reaches a terminal raw.
#pragma once

#include "server/query.hpp"
#include "terminal/palette.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

// `text` made safe to print on a terminal: control characters (C0, DEL, C1), which could
// move the cursor or repaint the screen, become visible escapes (\x1b, \u009b), and bytes
// that are not UTF-8 become \xNN. Printable text, including non-ASCII, is kept.
std::string terminal_safe(std::string_view text);

// One line of at most `width` characters (code points) for a table cell: runs of white space
// (newlines, tabs) become one space, the rest is terminal_safe, and a longer text is cut and
// ends with "…".
std::string shorten(std::string_view text, std::size_t width);

// The number of characters (code points) `text` shows, for aligning UTF-8 in columns.
std::size_t display_width(std::string_view text);

// An ISO 8601 timestamp as a table shows it, to the second and without the offset (the
// zone is said once, apart): 2026-11-24 17:45:19. "-" for NULL.
std::string table_time(const std::optional<std::string> &iso);

// A table cell: shorten(value, width), or "-" for NULL and empty values.
std::string table_cell(const std::optional<std::string> &value, std::size_t width = 40);

// The role a row was written for: "alice", or "alice as app_owner" when the effective role
// differs from the session's.
std::string table_role(const std::optional<std::string> &session, const std::optional<std::string> &effective);

// A field as RFC 4180 writes it: quoted when it holds a comma, a double quote, CR or LF (or
// starts or ends with a space), quotes doubled; NULL is an empty field.
std::string csv_field(const std::optional<std::string> &value);

// The listing as CSV: a header of the column names, then one record per row, each line ended
// by CRLF (RFC 4180).
std::string audit_csv(const QueryRows &rows);

// Row `r` as one JSON object with every column, in the order of the columns: integers and
// xid as numbers, json columns (objects) as JSON, NULL as null, everything else as a string
// (at is ISO 8601 with the offset). Bytes that are not UTF-8 become U+FFFD, so the line is
// always valid JSON. No newline at the end.
std::string audit_json_line(const QueryRows &rows, std::size_t r);

// The same as a JSON value, for the review's findings.
nlohmann::ordered_json audit_json(const QueryRows &rows, std::size_t r);

// The listing as JSON lines: one object per row, each ended by a newline.
std::string audit_json_lines(const QueryRows &rows);

// The aligned table a person reads: id, at (local time, no offset), event, decision, role
// ("alice as app_owner" when the effective role differs), database, client, rows and the
// statement (or, without one, the reason) shortened to one line. Each row in the colour of its
// decision: refused in danger, rolled_back and failed in warning. Ends with a newline; "" when
// there are no rows.
std::string audit_table(const QueryRows &rows, const Palette &palette);

// The value of column `name` in row `r`; nullopt when NULL or when there is no such column.
std::optional<std::string> column_value(const QueryRows &rows, std::size_t r, std::string_view name);

// The style of a row by its decision (allowed, refused, rolled_back, failed).
fmt::text_style decision_style(std::string_view decision, const Palette &palette);

// Lays out rows of cells in columns two spaces apart, the last column unpadded, each line in
// its style. `cells` are printed as they are: make them terminal_safe first.
std::string aligned_table(const std::vector<std::string> &header, const std::vector<std::vector<std::string>> &cells,
                          const std::vector<fmt::text_style> &styles, const Palette &palette);

} // namespace redline::cli
