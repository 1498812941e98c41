// Quoting for SQL literals: the only escapes are a doubled quote and, in E'' strings, a
// doubled backslash, so nothing else needs to change.
#include "sql/literal.hpp"

namespace redline::cli {

std::string sql_literal(std::string_view text)
{
    bool backslash = text.find('\\') != std::string_view::npos;
    std::string out = backslash ? "E'" : "'";
    for (char c : text) {
        if (c == '\'' || c == '\\')
            out += c;
        out += c;
    }
    out += '\'';
    return out;
}

} // namespace redline::cli
