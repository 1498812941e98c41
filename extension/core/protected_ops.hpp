// The destructive operations redline.protected can list (rule 3 and 4): names, the bits
// the server keeps them as, and each environment's default. Pure C++.
#pragma once

#include "environment.hpp"
#include "name_list.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace redline {

enum ProtectedOp : unsigned {
    op_drop_table = 1u << 0,
    op_drop_schema = 1u << 1,
    op_drop_database = 1u << 2,
    op_drop_column = 1u << 3,
    op_drop_extension = 1u << 4,
    op_truncate = 1u << 5,
    op_alter_system = 1u << 6,
    op_drop_role = 1u << 7,
    // Not a redline.protected name: a rewrite or scan above redline.max_rewrite_size.
    op_rewrite = 1u << 8,
};

// "drop_table" for op_drop_table; "" for anything else.
const char *protected_op_name(ProtectedOp op);

// The bits of a comma-separated list ("drop_table, truncate"): see parse_name_list().
using ProtectedParse = NameListParse;
ProtectedParse parse_protected_ops(std::string_view list);

// Production protects every operation above; other environments none.
unsigned default_protected_ops(Environment env);

// The list of every name, for messages: "drop_table, drop_schema, ...".
std::string all_protected_op_names();

} // namespace redline
