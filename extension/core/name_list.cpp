// Parsing the comma-separated name lists of redline's settings.
#include "name_list.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <cctype>

namespace redline {

namespace {
std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}
} // namespace

NameListParse parse_name_list(std::string_view list, const NamedBit *names, size_t count, unsigned all_bits)
{
    NameListParse out;
    std::string_view whole = trim(list);
    if (whole == "auto") {
        out.automatic = true;
        return out;
    }
    if (whole.empty() || whole == "none")
        return out;
    while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view item = trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (item.empty())
            continue;
        if (all_bits != 0 && item == "all") {
            out.mask |= all_bits;
            continue;
        }
        bool found = false;
        for (size_t i = 0; i < count; ++i) {
            if (item == names[i].name) {
                out.mask |= names[i].bit;
                found = true;
            }
        }
        if (!found) {
            out.ok = false;
            out.bad_name = std::string(item);
            out.mask = 0;
            return out;
        }
    }
    return out;
}

const char *name_of(unsigned bit, const NamedBit *names, size_t count)
{
    for (size_t i = 0; i < count; ++i)
        if (names[i].bit == bit)
            return names[i].name;
    return "";
}

std::string join_names(const NamedBit *names, size_t count)
{
    std::string out;
    for (size_t i = 0; i < count; ++i) {
        if (!out.empty())
            out += ", ";
        out += names[i].name;
    }
    return out;
}

} // namespace redline
