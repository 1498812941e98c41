// Colour decisions (--color, NO_COLOR, TERM=dumb, a terminal or not) and the RGB values of
// the colour names that redline.color accepts.
#include "terminal/palette.hpp"

#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace redline::cli {

namespace {

struct NamedColor {
    std::string_view name;
    fmt::rgb rgb;
};

// Tango's darker shades: readable as text on both light and dark terminal backgrounds.
constexpr std::array<NamedColor, 7> named_colors{{
    {"red", fmt::rgb(0xcc0000)},
    {"orange", fmt::rgb(0xce5c00)},
    {"yellow", fmt::rgb(0xc4a000)},
    {"green", fmt::rgb(0x4e9a06)},
    {"blue", fmt::rgb(0x3465a4)},
    {"purple", fmt::rgb(0x75507b)},
    {"gray", fmt::rgb(0x888a85)},
}};

int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c - 'A' + 10;
}

} // namespace

// Terminal colours rather than RGB, so that the user's theme decides the exact shade.
Palette Palette::colored()
{
    Palette p;
    p.enabled = true;
    p.danger = fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold;
    p.warning = fmt::fg(fmt::terminal_color::yellow);
    p.ok = fmt::fg(fmt::terminal_color::green);
    p.muted = fmt::fg(fmt::terminal_color::bright_black);
    return p;
}

Palette Palette::plain() { return Palette{}; }

fmt::text_style Palette::paint(std::string_view color) const
{
    if (!enabled)
        return {};
    auto rgb = color_rgb(color);
    return rgb ? fmt::fg(*rgb) : fmt::text_style{};
}

fmt::text_style Palette::environment(Environment env) const { return paint(environment_defaults(env).color); }

bool use_color(ColorMode mode, bool stdout_is_terminal, const char *no_color, const char *term)
{
    switch (mode) {
    case ColorMode::always:
        return true;
    case ColorMode::never:
        return false;
    case ColorMode::automatic:
        break;
    }
    // https://no-color.org: present and not empty means no colour, unless asked for explicitly.
    if (no_color != nullptr && *no_color != '\0')
        return false;
    if (term != nullptr && std::string_view(term) == "dumb")
        return false;
    return stdout_is_terminal;
}

Palette palette_for(ColorMode mode)
{
    bool color = use_color(mode, isatty(STDOUT_FILENO) == 1, std::getenv("NO_COLOR"), std::getenv("TERM"));
    return color ? Palette::colored() : Palette::plain();
}

std::optional<fmt::rgb> color_rgb(std::string_view color)
{
    for (const auto &named : named_colors)
        if (color == named.name)
            return named.rgb;
    if (color.size() != 7 || color[0] != '#' || !valid_color(color))
        return std::nullopt;
    auto byte = [&](std::size_t at) {
        return static_cast<std::uint8_t>(hex_digit(color[at]) * 16 + hex_digit(color[at + 1]));
    };
    return fmt::rgb(byte(1), byte(3), byte(5));
}

} // namespace redline::cli
