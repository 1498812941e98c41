// Environments and what each one turns on by default. Pure C++: the CLI paints with the
// same table the server enforces with.
#pragma once

#include <optional>
#include <string_view>

namespace redline {

enum class Environment { production, staging, development, local };

// What a session of a non-exempt role needs a session token for (redline.require_token).
enum class TokenRequirement {
    none,    // nothing: sessions may write
    write,   // writing: sessions are read-only until unlocked
    connect, // anything: sessions run nothing but unlock/status until unlocked
};

struct EnvironmentDefaults {
    bool require_where;
    int max_rows;      // 0 = no row budget
    const char *color; // "" = leave the terminal alone
    TokenRequirement require_token;
};

const char *token_requirement_name(TokenRequirement requirement);

const char *environment_name(Environment env);
std::optional<Environment> parse_environment(std::string_view name);
EnvironmentDefaults environment_defaults(Environment env);

// A colour is a name from the palette or #rrggbb; "" means "derived from the environment".
bool valid_color(std::string_view color);

} // namespace redline
