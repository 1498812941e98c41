// The per-environment defaults table. Production turns every guard on, so a server whose
// redline.environment was never set is guarded.
#include "environment.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <array>
#include <cctype>

namespace redline {

namespace {
struct Row {
    Environment env;
    const char *name;
    EnvironmentDefaults defaults;
};
constexpr std::array<Row, 4> table{{
    {Environment::production, "production", {true, 1000, "red", TokenRequirement::write}},
    {Environment::staging, "staging", {true, 10000, "orange", TokenRequirement::none}},
    {Environment::development, "development", {true, 0, "green", TokenRequirement::none}},
    {Environment::local, "local", {false, 0, "", TokenRequirement::none}},
}};
constexpr std::array<std::string_view, 8> palette{"red", "orange", "yellow", "green", "blue", "purple", "gray", "none"};
} // namespace

const char *environment_name(Environment env)
{
    for (const auto &row : table)
        if (row.env == env)
            return row.name;
    return "production";
}

const char *token_requirement_name(TokenRequirement requirement)
{
    switch (requirement) {
    case TokenRequirement::write:
        return "write";
    case TokenRequirement::connect:
        return "connect";
    case TokenRequirement::none:
        break;
    }
    return "none";
}

std::optional<Environment> parse_environment(std::string_view name)
{
    for (const auto &row : table)
        if (name == row.name)
            return row.env;
    return std::nullopt;
}

EnvironmentDefaults environment_defaults(Environment env)
{
    // The table is in enum order: one index, since the hooks ask on every statement.
    static_assert(static_cast<int>(Environment::production) == 0 && static_cast<int>(Environment::local) == 3);
    auto index = static_cast<std::size_t>(env);
    return index < table.size() ? table[index].defaults : table[0].defaults;
}

bool valid_color(std::string_view color)
{
    if (color.empty())
        return true;
    for (auto name : palette)
        if (color == name)
            return true;
    if (color.size() != 7 || color[0] != '#')
        return false;
    for (char c : color.substr(1))
        if (std::isxdigit(static_cast<unsigned char>(c)) == 0)
            return false;
    return true;
}

} // namespace redline
