// Names and defaults of the protected operations.
#include "protected_ops.hpp"
#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in

namespace redline {

namespace {
constexpr NamedBit entries[] = {
    {op_drop_table, "drop_table"},     {op_drop_schema, "drop_schema"},       {op_drop_database, "drop_database"},
    {op_drop_column, "drop_column"},   {op_drop_extension, "drop_extension"}, {op_truncate, "truncate"},
    {op_alter_system, "alter_system"}, {op_drop_role, "drop_role"},
};
constexpr size_t nentries = sizeof entries / sizeof entries[0];
} // namespace

const char *protected_op_name(ProtectedOp op) { return op == op_rewrite ? "rewrite" : name_of(op, entries, nentries); }

ProtectedParse parse_protected_ops(std::string_view list) { return parse_name_list(list, entries, nentries, 0); }

unsigned default_protected_ops(Environment env)
{
    if (env != Environment::production)
        return 0;
    unsigned all = 0;
    for (const auto &e : entries)
        all |= e.bit;
    return all;
}

std::string all_protected_op_names() { return join_names(entries, nentries); }

} // namespace redline
