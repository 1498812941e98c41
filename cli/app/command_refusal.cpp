// Prints a command's refusal as one line on stderr.
#include "app/command_refusal.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <cstdio>

namespace redline::cli {

int report_refusal(const CommandRefusal &refusal, const Palette &palette)
{
    fmt::text_style style = refusal.danger ? palette.danger : fmt::text_style{};
    std::fputs(fmt::format("{}\n", fmt::styled("redline: " + refusal.message, style)).c_str(), stderr);
    return refusal.code;
}

} // namespace redline::cli
