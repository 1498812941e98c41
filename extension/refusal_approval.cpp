// Wording of a refused destructive operation: every object it would have destroyed, and for
// each the exact command a second person runs to approve it.
#include "refusal.hpp"
#include "sqlstate.hpp"

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

} // namespace redline
