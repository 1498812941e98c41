// The escape sequences and psql prompts of each environment. OSC sequences end with ST
// (ESC \), which every terminal that knows OSC 11 accepts; replies may end with BEL or ST.
#include "terminal/paint.hpp"
#include "terminal/palette.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace redline::cli {

namespace {

constexpr std::string_view osc = "\033]";
constexpr std::string_view st = "\033\\";

std::string upper(std::string_view word)
{
    std::string out(word);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

// psql's prompt: %033 is ESC, and %[ %] tell readline that what they enclose takes no room,
// so that line editing keeps its columns. Bold bright white on the environment's colour
// reads on the painted background and on an unpainted one alike.
std::string prompt_badge(std::string_view word, const std::optional<fmt::rgb> &color)
{
    if (!color)
        return fmt::format("[{}]", word);
    return fmt::format("%[%033[1;97;48;2;{};{};{}m%] {} %[%033[0m%]", color->r, color->g, color->b, word);
}

bool hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// "rgb:" and three groups of 1 to 4 hex digits separated by '/': all a terminal may answer
// that redline would write back.
bool valid_spec(std::string_view spec)
{
    if (spec.rfind("rgb:", 0) != 0)
        return false;
    spec.remove_prefix(4);
    for (int group = 0; group < 3; ++group) {
        std::size_t digits = 0;
        while (digits < spec.size() && hex(spec[digits]))
            ++digits;
        if (digits < 1 || digits > 4)
            return false;
        spec.remove_prefix(digits);
        if (group < 2) {
            if (spec.empty() || spec.front() != '/')
                return false;
            spec.remove_prefix(1);
        }
    }
    return spec.empty();
}

} // namespace

std::optional<fmt::rgb> environment_rgb(Environment environment, std::string_view color)
{
    if (environment == Environment::local)
        return std::nullopt;
    return color_rgb(color.empty() ? std::string_view(environment_defaults(environment).color) : color);
}

PaintPlan plan_paint(const PaintRequest &request)
{
    PaintPlan plan;
    if (request.environment == Environment::local)
        return plan;
    std::string word = upper(environment_name(request.environment));
    std::optional<fmt::rgb> color;
    if (request.colors)
        color = environment_rgb(request.environment, request.color);
    if (request.terminal) {
        plan.background = color;
        plan.title = fmt::format("{} \u2014 {}", word, request.profile);
    }
    std::string badge = prompt_badge(word, color);
    plan.prompt1 = fmt::format("{} %n@%/%R%x%# ", badge);
    plan.prompt2 = fmt::format("{} %/%R%x%# ", badge);
    plan.autocommit_off = request.environment == Environment::production;
    return plan;
}

std::string background_spec(fmt::rgb color)
{
    return fmt::format("rgb:{:02x}/{:02x}/{:02x}", color.r, color.g, color.b);
}

std::string set_background(std::string_view spec) { return fmt::format("{}11;{}{}", osc, spec, st); }

std::string set_title(std::string_view title) { return fmt::format("{}2;{}{}", osc, title, st); }

std::string paint_sequence(const PaintPlan &plan)
{
    std::string out;
    if (!plan.title.empty())
        out += "\033[22;0t" + set_title(plan.title);
    if (plan.background)
        out += set_background(background_spec(*plan.background));
    return out;
}

std::string restore_sequence(const PaintPlan &plan, const std::optional<std::string> &previous)
{
    std::string out;
    if (plan.background)
        out += previous ? set_background(*previous) : fmt::format("{}111{}", osc, st);
    if (!plan.title.empty())
        out += set_title("") + "\033[23;0t";
    return out;
}

std::optional<std::string> background_reply(std::string_view answers)
{
    constexpr std::string_view intro = "\033]11;";
    std::size_t start = answers.find(intro);
    if (start == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = answers.substr(start + intro.size());
    std::size_t end = rest.find_first_of("\a\033");
    if (end == std::string_view::npos)
        return std::nullopt;
    std::string_view spec = rest.substr(0, end);
    if (!valid_spec(spec))
        return std::nullopt;
    return std::string(spec);
}

bool answers_complete(std::string_view answers)
{
    // CSI ? Ps ; ... c
    for (std::size_t at = answers.find("\033[?"); at != std::string_view::npos; at = answers.find("\033[?", at + 1)) {
        std::size_t i = at + 3;
        while (i < answers.size() && (std::isdigit(static_cast<unsigned char>(answers[i])) || answers[i] == ';'))
            ++i;
        if (i < answers.size() && answers[i] == 'c')
            return true;
    }
    return false;
}

} // namespace redline::cli
