// Settings that name a set of things as a comma-separated list of lower-case names
// (redline.protected, redline.audit): the one parser and the message list. Pure C++.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace redline {

struct NamedBit {
    unsigned bit;
    const char *name;
};

// "auto" (alone) is automatic: the environment's default. "none" (alone) or "" is no bit;
// empty items are skipped; with `all_bits` != 0, "all" names them all. An unknown name makes
// the whole list invalid, reported through bad_name. Throws nothing but bad_alloc.
struct NameListParse {
    bool ok = true;
    bool automatic = false;
    unsigned mask = 0;
    std::string bad_name;
};
NameListParse parse_name_list(std::string_view list, const NamedBit *names, size_t count, unsigned all_bits);

// The name of `bit`, or "".
const char *name_of(unsigned bit, const NamedBit *names, size_t count);

// "a, b, c" for messages.
std::string join_names(const NamedBit *names, size_t count);

} // namespace redline
