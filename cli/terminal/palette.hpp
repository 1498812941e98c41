// The CLI's colours by meaning: a subcommand asks for "danger", never for "red", and a run
// without colour is the same code drawing with empty styles.
#pragma once

#include "environment.hpp"

#include <fmt/color.h>

#include <optional>
#include <string_view>

namespace redline::cli {

enum class ColorMode { automatic, always, never };

struct Palette {
    bool enabled = false;
    fmt::text_style danger;
    fmt::text_style warning;
    fmt::text_style ok;
    fmt::text_style muted;

    static Palette colored();
    static Palette plain();

    // A colour as redline.color spells it (a palette name or #rrggbb), as a foreground.
    fmt::text_style paint(std::string_view color) const;
    // The colour the server would report for this environment when redline.color is empty.
    fmt::text_style environment(Environment env) const;
};

// The decision itself, apart from the process, so that it can be tested.
bool use_color(ColorMode mode, bool stdout_is_terminal, const char *no_color, const char *term);

// The palette for this process: isatty(stdout), NO_COLOR and TERM decide in automatic mode.
Palette palette_for(ColorMode mode);

// nullopt for "", "none" and anything that is not a colour: leave the terminal alone.
std::optional<fmt::rgb> color_rgb(std::string_view color);

} // namespace redline::cli
