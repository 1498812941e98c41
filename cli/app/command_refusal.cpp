// Prints a command's refusal as one line on stderr.
#include "app/command_refusal.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <cstdio>
#include <utility>

namespace redline::cli {

CommandRefusal::CommandRefusal(int exit_code, const std::string &message, bool danger, std::string statement)
    : std::runtime_error(message), exit_code_(exit_code), danger_(danger), statement_(std::move(statement))
{
}

int report_refusal(const CommandRefusal &refusal, const Palette &palette)
{
    fmt::text_style style = refusal.danger() ? palette.danger : fmt::text_style{};
    std::string out = fmt::format("{}\n", fmt::styled(std::string("redline: ") + refusal.what(), style));
    if (!refusal.statement().empty())
        out += fmt::format("  {}\n", refusal.statement());
    std::fputs(out.c_str(), stderr);
    return refusal.exit_code();
}

} // namespace redline::cli
