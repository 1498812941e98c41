// The approvals a refused statement needs, read from the server's refusal, and the
// `redline approve` command a second person runs for each.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

struct NeededApproval {
    std::string operation; // "drop_table"
    std::string object;    // "public.orders", as the server prints the object's identity

    bool operator==(const NeededApproval &other) const
    {
        return operation == other.operation && object == other.object;
    }
};

struct RefusedApprovals {
    std::vector<NeededApproval> approvals; // in the server's order
    std::size_t unlisted = 0;              // objects over the server's limit, counted but not named
};

// Reads the HINT of an RL200 refusal ("Ask an approver to run redline approve PROFILE --op
// drop_table --object public.orders --for alice; ... and send you the token...") or of an
// RL201 one ("... redline approve PROFILE --op rewrite --object ... --for alice; then SET
// ..."). `role` is
// the role the server names after --for, the session's login role: knowing it keeps an object
// whose name holds "; " or " --for " whole. nullopt when the hint has not that shape.
std::optional<RefusedApprovals> parse_approval_hint(std::string_view hint, std::string_view role);

// `word` as one shell word: unchanged when it holds only characters no shell treats
// specially, else in single quotes.
std::string shell_word(std::string_view word);

// "redline approve PROFILE --op drop_table --object public.orders --for alice", with the
// object and role quoted for a shell when they need it.
std::string approve_command(std::string_view approver_profile, const NeededApproval &approval, std::string_view role);

} // namespace redline::cli
