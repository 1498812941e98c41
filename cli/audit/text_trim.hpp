// White space around the parts of a list a person typed ("Tue-Thu 10:00-16:00, Sat ...",
// "ddl, write"): ignored, so that quoting a list with spaces in a shell changes nothing.
#pragma once

#include <cctype>
#include <string_view>

namespace redline::cli {

inline std::string_view trim_blanks(std::string_view text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

} // namespace redline::cli
