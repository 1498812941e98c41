// Environments and what each one turns on by default. Pure C++: the CLI paints with the
// same table the server enforces with.
#pragma once

#include <optional>
#include <string_view>

namespace redline {

enum class Environment { production, staging, development, local };

struct EnvironmentDefaults {
    bool require_where;
    int max_rows;      // 0 = no row budget
    const char *color; // "" = leave the terminal alone
};

const char *environment_name(Environment env);
std::optional<Environment> parse_environment(std::string_view name);
EnvironmentDefaults environment_defaults(Environment env);

// A colour is a name from the palette or #rrggbb; "" means "derived from the environment".
bool valid_color(std::string_view color);

} // namespace redline
