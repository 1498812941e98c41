// What `redline connect` does to a terminal for the environment a server reports: its
// background (OSC 11), its title (OSC 2), psql's prompt and AUTOCOMMIT, and the sequences
// that put the terminal back. Pure text: terminal/guard.cpp writes it to the terminal.
#pragma once

#include "environment.hpp"

#include <fmt/color.h>

#include <optional>
#include <string>
#include <string_view>

namespace redline::cli {

struct PaintRequest {
    Environment environment = Environment::production; // as the server reports it
    std::string color;    // redline.color as reported: a name, #rrggbb, "none", or "" for the environment's
    std::string profile;  // named in the title
    bool colors = true;   // false: NO_COLOR, --no-color, --color=never, TERM=dumb; the words stay
    bool terminal = true; // stdout is a terminal that takes escape sequences (title, background)
};

struct PaintPlan {
    std::optional<fmt::rgb> background; // painted while psql runs; nullopt leaves it alone
    std::string title;                  // shown while psql runs; "" leaves it alone
    std::string prompt1;                // psql's PROMPT1 and PROMPT2; "" keeps psql's own
    std::string prompt2;
    bool autocommit_off = false; // every change waits for an explicit COMMIT
};

// Production red, staging orange, development green, in the colour the server reports when
// it reports one; local untouched. Without colours the title and prompt keep their words.
PaintPlan plan_paint(const PaintRequest &request);

// The colour the environment is painted with: `color` as the server reports it, or the
// environment's own when it reports none; nullopt for "none" and for local.
std::optional<fmt::rgb> environment_rgb(Environment environment, std::string_view color);

// OSC 11 with an XParseColor spec ("rgb:cc/00/00"), and OSC 2; both end with ST.
std::string set_background(std::string_view spec);
std::string background_spec(fmt::rgb color);
std::string set_title(std::string_view title);

// Before psql: save the title (CSI 22 ; 0 t), set it, paint the background.
std::string paint_sequence(const PaintPlan &plan);

// After psql: the background the terminal reported before (`previous`, an OSC 11 reply's
// spec) or, when it did not answer, the terminal's own default (OSC 111); a neutral title,
// then the saved one (CSI 23 ; 0 t) where the terminal keeps a title stack.
std::string restore_sequence(const PaintPlan &plan, const std::optional<std::string> &previous);

// Asks the terminal for its background, followed by a request every terminal answers
// (primary device attributes), so that the end of the answers is known without waiting.
inline constexpr std::string_view background_query = "\033]11;?\033\\\033[c";

// The colour spec of an OSC 11 reply in `answers` ("rgb:1e1e/1e1e/1e1e"), checked to be
// nothing but a colour, since it is written back to the terminal; nullopt when there is none.
std::optional<std::string> background_reply(std::string_view answers);

// Whether `answers` holds the reply to the device-attributes request: nothing more will come.
bool answers_complete(std::string_view answers);

} // namespace redline::cli
