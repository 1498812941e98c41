// The psql that `redline connect` starts: which program, its arguments (the connection, the
// environment's prompt, AUTOCOMMIT) and its environment (the token in PGOPTIONS). A token
// never goes on the command line, where every user of the machine can read it (ps).
#pragma once

#include "terminal/paint.hpp"

#include <string>
#include <vector>

namespace redline::cli {

// $PG_BIN/psql when `pg_bin` is set and not empty, else the first executable psql in
// `path` (PATH). Throws std::runtime_error that says how to install it or point at it.
std::string find_psql(const char *pg_bin, const char *path);

// argv for psql: `program`, --dbname=`conninfo`, the plan's variables (-v AUTOCOMMIT=off,
// -v PROMPT1=..., -v PROMPT2=...), then `extra` (what followed "--") unchanged.
std::vector<std::string> psql_arguments(const std::string &program, const std::string &conninfo, const PaintPlan &plan,
                                        const std::vector<std::string> &extra);

// PGOPTIONS that present `token`: appended to `existing` (the user's PGOPTIONS, or null),
// so the user's own options stay and the token, last, wins over any earlier one.
std::string pgoptions_with_token(const char *existing, const std::string &token);

// `environment` (NAME=value entries, as environ holds them) with PGOPTIONS replaced by
// `pgoptions`.
std::vector<std::string> with_pgoptions(const char *const *environment, const std::string &pgoptions);

} // namespace redline::cli
