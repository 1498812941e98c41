// Follows libpq's passwordFromFile: a '#' in the first column makes a comment, trailing CR
// and LF are stripped, nothing else is trimmed, and a field is a wildcard only when it is
// exactly "*". The fifth field onwards is the password; it is skipped, not stored.
#include "profiles/pgpass.hpp"

namespace redline::cli {

namespace {

// The first four fields of `line`, unescaped; nullopt when it has fewer than five fields.
std::optional<std::vector<std::optional<std::string>>> split_fields(std::string_view line)
{
    std::vector<std::optional<std::string>> fields;
    std::string field;
    bool escaped_star = false;
    for (std::size_t i = 0; i < line.size() && fields.size() < 4; ++i) {
        char c = line[i];
        if (c == '\\' && i + 1 < line.size()) {
            if (field.empty() && line[i + 1] == '*')
                escaped_star = true;
            field += line[++i];
            continue;
        }
        if (c != ':') {
            field += c;
            continue;
        }
        if (field == "*" && !escaped_star)
            fields.emplace_back(std::nullopt);
        else
            fields.emplace_back(field);
        field.clear();
        escaped_star = false;
    }
    if (fields.size() < 4)
        return std::nullopt;
    return fields;
}

bool field_matches(const std::optional<std::string> &field, const std::string &value)
{
    return !field || *field == value;
}

std::string describe_field(const std::optional<std::string> &field)
{
    if (!field)
        return "*";
    std::string out;
    for (char c : *field) {
        if (c == ':' || c == '\\' || (c == '*' && field->size() == 1))
            out += '\\';
        out += c;
    }
    return out;
}

} // namespace

std::vector<PgpassLine> parse_pgpass(std::string_view text)
{
    std::vector<PgpassLine> lines;
    int number = 0;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++number;
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
            line.remove_suffix(1);
        if (line.empty() || line.front() == '#')
            continue;
        auto fields = split_fields(line);
        if (!fields)
            continue;
        PgpassLine parsed;
        parsed.number = number;
        parsed.host = (*fields)[0];
        parsed.port = (*fields)[1];
        parsed.database = (*fields)[2];
        parsed.user = (*fields)[3];
        lines.push_back(std::move(parsed));
    }
    return lines;
}

bool pgpass_matches(const PgpassLine &line, const PgpassQuery &query)
{
    return field_matches(line.host, query.host) && field_matches(line.port, query.port) &&
           field_matches(line.database, query.database) && field_matches(line.user, query.user);
}

const PgpassLine *first_pgpass_match(const std::vector<PgpassLine> &lines, const PgpassQuery &query)
{
    for (const PgpassLine &line : lines)
        if (pgpass_matches(line, query))
            return &line;
    return nullptr;
}

std::string describe_pgpass_line(const PgpassLine &line)
{
    return describe_field(line.host) + ":" + describe_field(line.port) + ":" + describe_field(line.database) + ":" +
           describe_field(line.user);
}

} // namespace redline::cli
