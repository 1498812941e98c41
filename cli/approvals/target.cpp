// Checks an approval's operation, object and role against what the server will compare
// them with: the names of redline.protected, object identities as PostgreSQL prints them,
// and the requester's login role.
#include "approvals/target.hpp"

#include <protected_ops.hpp>

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace redline::cli {

namespace {

// How many dot-separated names `identity` has, dots inside "double quotes" aside.
int name_parts(std::string_view identity)
{
    int parts = 1;
    bool quoted = false;
    for (char c : identity) {
        if (c == '"')
            quoted = !quoted; // a doubled quote inside a name toggles twice
        else if (c == '.' && !quoted)
            parts++;
    }
    return parts;
}

bool has_upper(std::string_view text)
{
    for (char c : text)
        if (c >= 'A' && c <= 'Z')
            return true;
    return false;
}

} // namespace

void check_operation(std::string_view operation)
{
    for (unsigned bit = 1; bit != 0; bit <<= 1) {
        const char *name = protected_op_name(static_cast<ProtectedOp>(bit));
        if (*name != '\0' && operation == name)
            return;
    }
    std::string names;
    for (unsigned bit = 1; bit != 0; bit <<= 1) {
        const char *name = protected_op_name(static_cast<ProtectedOp>(bit));
        if (*name != '\0')
            names += fmt::format("{}{}", names.empty() ? "" : ", ", name);
    }
    throw std::runtime_error(
        fmt::format("\"{}\" is not an operation redline approves: use one of {}", operation, names));
}

void check_object(std::string_view operation, std::string_view object)
{
    if (object.empty())
        throw std::runtime_error("--object is empty: name the object as the server's refusal prints it "
                                 "(public.orders)");
    if (object.front() == ' ' || object.back() == ' ')
        throw std::runtime_error(fmt::format("--object \"{}\" has spaces around it: the server compares the name "
                                             "exactly, as its refusal prints it",
                                             object));
    if ((operation == "drop_table" || operation == "truncate" || operation == "rewrite") && name_parts(object) < 2)
        throw std::runtime_error(fmt::format("--object {} names no schema: the server names a table with its schema "
                                             "(public.{}), as its refusal prints it",
                                             object, object));
    if (operation == "drop_column" && name_parts(object) < 3)
        throw std::runtime_error(fmt::format("--object {} is not schema.table.column: the server names a column with "
                                             "its table and schema (public.orders.note), as its refusal prints it",
                                             object));
    if (operation == "alter_system" && has_upper(object))
        throw std::runtime_error(fmt::format("--object {} has upper-case letters: the server names a setting in lower "
                                             "case, as its refusal prints it",
                                             object));
}

void check_second_person(std::string_view for_role, std::string_view approver_role)
{
    if (for_role == approver_role)
        throw std::runtime_error(fmt::format(
            "you log in as \"{}\": an approval for \"{}\" must come from a second person (two-person rule), and the "
            "server refuses one signed by the role it approves for; ask another member of redline_approver",
            approver_role, for_role));
}

} // namespace redline::cli
