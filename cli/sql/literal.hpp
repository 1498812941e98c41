// SQL literals for the statements the CLI prints for a person to paste or send to a DBA:
// a role or label with a quote in it must not end the string early.
#pragma once

#include <string>
#include <string_view>

namespace redline::cli {

// `text` as a SQL string literal that reads the same whatever standard_conforming_strings
// says: quotes doubled, and when it holds a backslash the E'' form with backslashes doubled
// (as PostgreSQL's quote_literal writes it).
std::string sql_literal(std::string_view text);

} // namespace redline::cli
