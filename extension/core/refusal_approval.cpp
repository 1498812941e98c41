// Wording of a refused destructive operation: every object it would have destroyed, and for
// each the exact command a second person runs to approve it.
#include "refusal.hpp"
#include "sqlstate.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <cstring>
#include <fmt/format.h>

namespace redline {

Refusal refuse_unapproved(const char *statement, const char *role, const std::vector<NeededApproval> &needed)
{
    std::string objects;
    std::string problems;
    std::string commands;
    for (const auto &n : needed) {
        objects += fmt::format("{}{} ({})", objects.empty() ? "" : ", ", n.obj, n.op);
        if (!n.problem.empty())
            problems += fmt::format(" The approval presented for {} {} was refused: {}.", n.op, n.obj, n.problem);
        commands += fmt::format("{}redline approve PROFILE --op {} --object {} --for {}", commands.empty() ? "" : "; ",
                                n.op, n.obj, role);
    }
    std::string message =
        needed.size() == 1
            ? fmt::format("{} refused: {} needs a second person's approval", statement, objects)
            : fmt::format("{} refused: it would destroy {} protected objects, each needing a second person's "
                          "approval: {}",
                          statement, needed.size(), objects);
    return Refusal{
        sqlstate::approval_required, message,
        fmt::format("redline.protected lists these operations: they need an approval token signed by a member of "
                    "redline_approver other than \"{}\". Nothing was destroyed.{}",
                    role, problems),
        fmt::format("Ask an approver to run {} and send you the token{}; then SET redline.approval_token = "
                    "'<token>'{} and run the statement again.",
                    commands, needed.size() == 1 ? "" : "s",
                    needed.size() == 1 ? "" : " (tokens separated by commas)")};
}

std::string pretty_size(std::int64_t bytes)
{
    const char *units[] = {"bytes", "kB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024.0 * 10 && unit < 4) {
        value /= 1024.0;
        ++unit;
    }
    return unit == 0 ? fmt::format("{} bytes", bytes) : fmt::format("{:.0f} {}", value, units[unit]);
}

void cpp_pretty_size(std::int64_t bytes, char **out) noexcept
{
    *out = nullptr;
    try {
        std::string text = pretty_size(bytes);
        *out = strdup(text.c_str());
    } catch (...) {
    }
}

// Matches ddl_classify::Cause.
const char *safe_ddl_pattern(int cause)
{
    switch (cause) {
    case 1: // type change
        return "add a new column of the new type, backfill it in batches (UPDATE ... WHERE id BETWEEN ...), then "
               "switch readers and drop the old column";
    case 2: // volatile default, identity, serial
        return "add the column without a default (instant), set the default for new rows with ALTER COLUMN ... SET "
               "DEFAULT, and backfill existing rows in batches";
    case 3: // stored generated column
        return "add a plain column, fill it in batches, and keep it current with a trigger";
    case 4: // SET LOGGED/UNLOGGED
    case 5: // access method, tablespace
        return "create the new table beside the old one, copy in batches, and swap names in a short transaction";
    case 6: // constraint
        return "add the constraint with NOT VALID (instant; new rows are checked), then ALTER TABLE ... VALIDATE "
               "CONSTRAINT, which scans under SHARE UPDATE EXCLUSIVE and does not block writes";
    case 7: // SET NOT NULL
        return "ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT (does not block "
               "writes); SET NOT NULL then uses that constraint instead of scanning";
    case 8: // index
        return "CREATE INDEX CONCURRENTLY (or build it CONCURRENTLY and add the constraint USING INDEX), which does "
               "not block writes";
    default:
        return "rehearse it on staging to measure it";
    }
}

Refusal refuse_large_ddl(const LargeDdl &ddl, const char *role, const std::string &problem)
{
    return Refusal{
        sqlstate::large_rewrite,
        fmt::format("{} refused: it would {} {} ({}) for about {:.0f} s holding lock {}", ddl.statement,
                    ddl.rewrites ? "rewrite" : "scan", ddl.table, pretty_size(ddl.size_bytes),
                    ddl.est_seconds < 1 ? 1.0 : ddl.est_seconds, ddl.lock),
        fmt::format("The table is larger than redline.max_rewrite_size ({}); while the lock is held, {}. The estimate "
                    "assumes ~{} MB/s; a rehearsal on staging measures it. Nothing was changed.{}",
                    pretty_size(ddl.limit_bytes),
                    std::string(ddl.lock) == "ACCESS EXCLUSIVE" ? "every query on the table waits"
                                                                : "every write to the table waits",
                    ddl.rewrites ? 100 : 400,
                    problem.empty() ? "" : " The approval presented was refused: " + problem + "."),
        fmt::format("The safe way: {}. Or have it approved: redline approve PROFILE --op rewrite --object {} --for {}; "
                    "then SET redline.approval_token = '<token>' and run it again.",
                    safe_ddl_pattern(ddl.cause), ddl.table, role)};
}

} // namespace redline
