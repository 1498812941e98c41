// Names and defaults of the protected operations.
#include "protected_ops.hpp"

#include <array>
#include <cctype>

namespace redline {

namespace {
struct Entry {
    ProtectedOp op;
    const char *name;
};
constexpr std::array<Entry, 8> entries{{
    {op_drop_table, "drop_table"},
    {op_drop_schema, "drop_schema"},
    {op_drop_database, "drop_database"},
    {op_drop_column, "drop_column"},
    {op_drop_extension, "drop_extension"},
    {op_truncate, "truncate"},
    {op_alter_system, "alter_system"},
    {op_drop_role, "drop_role"},
}};

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}
} // namespace

const char *protected_op_name(ProtectedOp op)
{
    if (op == op_rewrite)
        return "rewrite";
    for (const auto &e : entries)
        if (e.op == op)
            return e.name;
    return "";
}

ProtectedParse parse_protected_ops(std::string_view list)
{
    ProtectedParse out;
    std::string_view whole = trim(list);
    if (whole == "auto") {
        out.automatic = true;
        return out;
    }
    if (whole.empty() || whole == "none")
        return out;
    while (!list.empty()) {
        auto comma = list.find(',');
        std::string_view item = trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        bool found = false;
        for (const auto &e : entries) {
            if (item == e.name) {
                out.mask |= e.op;
                found = true;
            }
        }
        if (!found) {
            out.ok = false;
            out.bad_name = std::string(item);
            return out;
        }
    }
    return out;
}

unsigned default_protected_ops(Environment env)
{
    if (env != Environment::production)
        return 0;
    unsigned all = 0;
    for (const auto &e : entries)
        all |= e.op;
    return all;
}

std::string all_protected_op_names()
{
    std::string out;
    for (const auto &e : entries) {
        if (!out.empty())
            out += ", ";
        out += e.name;
    }
    return out;
}

} // namespace redline
