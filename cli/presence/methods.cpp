// The person checks whose record is fixed (none, typed). What PAM and Touch ID record
// depends on the service or the device, so their backends say it.
#include "presence/methods.hpp"

#include <fmt/format.h>

#include <cstring>

namespace redline::cli {

std::optional<std::vector<std::string>> amr_for(AuthMethod method)
{
    switch (method) {
    case AuthMethod::none:
        return std::vector<std::string>{"swk"};
    case AuthMethod::typed:
        return std::vector<std::string>{"pwd"};
    case AuthMethod::pam:
    case AuthMethod::touchid:
        break;
    }
    return std::nullopt;
}

bool confirm_by_typing(std::string_view word, std::FILE *in, std::FILE *out, const fmt::text_style &style)
{
    std::fputs(fmt::format("Type {} to continue: ", fmt::styled(word, style)).c_str(), out);
    std::fflush(out);
    // A line longer than any environment name is a mismatch however it ends; stop reading
    // once past it, so a stream without newlines cannot grow the buffer without bound.
    std::string line;
    char chunk[256];
    bool ended = false;
    while (!ended && line.size() <= word.size() + 2 && std::fgets(chunk, sizeof chunk, in) != nullptr) {
        line += chunk;
        ended = !line.empty() && line.back() == '\n';
    }
    if (line.empty())
        return false;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.pop_back();
    return line == word;
}

} // namespace redline::cli
