// Parses the refusal's own commands rather than its message: the message separates objects
// with ", " and " (", which a quoted identifier may hold; the hint's separators include the
// role, which the caller knows.
#include "approvals/needed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace redline::cli {

namespace {

constexpr std::string_view command_start = "redline approve PROFILE --op ";
constexpr std::string_view object_flag = " --object ";
// What follows the last command: RL200 asks for the tokens to be sent, RL201 (a large
// rewrite) goes straight on to presenting one.
constexpr std::string_view last_command_ends[] = {" and send you the token", "; then SET"};
// The server's entry for objects over its limit: --op more --object "N more objects".
constexpr std::string_view unlisted_op = "more";
constexpr std::string_view unlisted_suffix = " more objects";

bool operation_name(std::string_view text)
{
    if (text.empty())
        return false;
    for (char c : text)
        if (!((c >= 'a' && c <= 'z') || c == '_'))
            return false;
    return true;
}

std::optional<std::size_t> unlisted_count(std::string_view object)
{
    if (object.size() <= unlisted_suffix.size() ||
        object.substr(object.size() - unlisted_suffix.size()) != unlisted_suffix)
        return std::nullopt;
    std::string_view digits = object.substr(0, object.size() - unlisted_suffix.size());
    std::size_t n = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (error != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    return n;
}

} // namespace

std::optional<RefusedApprovals> parse_approval_hint(std::string_view hint, std::string_view role)
{
    std::string for_role = fmt::format(" --for {}", role);
    std::string between = fmt::format("{}; {}", for_role, command_start);

    RefusedApprovals out;
    std::size_t pos = hint.find(command_start);
    if (pos == std::string_view::npos)
        return std::nullopt;
    pos += command_start.size();
    for (;;) {
        std::size_t flag = hint.find(object_flag, pos);
        if (flag == std::string_view::npos)
            return std::nullopt;
        std::string_view operation = hint.substr(pos, flag - pos);
        if (!operation_name(operation))
            return std::nullopt;
        std::size_t object_start = flag + object_flag.size();
        std::size_t next = hint.find(between, object_start);
        std::size_t last = std::string_view::npos;
        for (std::string_view end : last_command_ends)
            last = std::min(last, hint.find(for_role + std::string(end), object_start));
        if (last == std::string_view::npos)
            return std::nullopt;
        bool more = next != std::string_view::npos && next < last;
        std::string_view object = hint.substr(object_start, (more ? next : last) - object_start);
        if (object.empty())
            return std::nullopt;
        if (operation == unlisted_op) {
            auto n = unlisted_count(object);
            if (!n)
                return std::nullopt;
            out.unlisted += *n;
        } else {
            out.approvals.push_back(NeededApproval{std::string(operation), std::string(object)});
        }
        if (!more)
            break;
        pos = next + between.size();
    }
    return out;
}

std::string shell_word(std::string_view word)
{
    bool plain = !word.empty();
    for (char c : word) {
        bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("_.,:/@%+=-").find(c) != std::string_view::npos;
        plain = plain && safe;
    }
    if (plain)
        return std::string(word);
    std::string out = "'";
    for (char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string approve_command(std::string_view approver_profile, const NeededApproval &approval, std::string_view role)
{
    return fmt::format("redline approve {} --op {} --object {} --for {}", approver_profile, approval.operation,
                       shell_word(approval.object), shell_word(role));
}

} // namespace redline::cli
