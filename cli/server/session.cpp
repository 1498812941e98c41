// Reads what a session of a profile would be. The probe connection presents no token
// (connect_profile), so "locked" describes the session psql would open without one.
#include "server/session.hpp"
#include "server/connection.hpp"

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>
#include <vector>

namespace redline::cli {

namespace {

// The server truncates names to NAMEDATALEN - 1 bytes.
constexpr std::size_t max_name = 63;

// The names in an identifier list, or nullopt when it is not one (the server then exempts
// no one, and neither does this reading of it).
std::optional<std::vector<std::string>> identifiers(std::string_view list)
{
    std::vector<std::string> names;
    std::size_t at = 0;
    auto blank = [&] {
        while (at < list.size() && std::isspace(static_cast<unsigned char>(list[at])))
            ++at;
    };
    blank();
    if (at == list.size())
        return names;
    for (;;) {
        std::string name;
        if (at < list.size() && list[at] == '"') {
            for (++at;; ++at) {
                if (at == list.size())
                    return std::nullopt;
                if (list[at] == '"') {
                    if (at + 1 < list.size() && list[at + 1] == '"') {
                        name += '"';
                        ++at;
                        continue;
                    }
                    ++at;
                    break;
                }
                name += list[at];
            }
        } else {
            while (at < list.size() && list[at] != ',' && !std::isspace(static_cast<unsigned char>(list[at])))
                name += static_cast<char>(std::tolower(static_cast<unsigned char>(list[at++])));
        }
        if (name.empty())
            return std::nullopt;
        names.push_back(name.substr(0, max_name));
        blank();
        if (at == list.size())
            return names;
        if (list[at] != ',')
            return std::nullopt;
        ++at;
        blank();
    }
}

} // namespace

std::optional<TokenRequirement> token_requirement(std::string_view shown, Environment environment)
{
    if (shown == "auto")
        return environment_defaults(environment).require_token;
    for (auto requirement : {TokenRequirement::none, TokenRequirement::write, TokenRequirement::connect})
        if (shown == token_requirement_name(requirement))
            return requirement;
    return std::nullopt;
}

bool role_listed(std::string_view list, std::string_view role)
{
    auto names = identifiers(list);
    if (!names)
        return false;
    for (const std::string &name : *names)
        if (name == role)
            return true;
    return false;
}

ServerSession read_server_session(const Profile &profile)
{
    PqConnection conn = connect_profile(profile);
    ServerSession session;
    session.identity = read_server_identity(conn.get(), profile, true);
    Environment environment = parse_environment(session.identity.environment).value_or(Environment::production);
    std::string error;

    const char *color = PQparameterStatus(conn.get(), "redline.color");
    session.color = color != nullptr ? color : single_value(conn.get(), "SHOW redline.color", error).value_or("");

    auto unknown = [&](const std::string &value) {
        return std::runtime_error(fmt::format("the server of profile \"{}\" requires a token for \"{}\", which this "
                                              "redline does not know: upgrade the CLI",
                                              profile.name, value));
    };
    PqResult status(PQexec(conn.get(), "SELECT require_token, locked, exempt FROM redline.status()"));
    if (PQresultStatus(status.get()) == PGRES_TUPLES_OK && PQntuples(status.get()) == 1) {
        std::string shown = PQgetvalue(status.get(), 0, 0);
        auto requirement = token_requirement(shown, environment);
        if (!requirement)
            throw unknown(shown);
        session.require_token = *requirement;
        session.locked = std::string_view(PQgetvalue(status.get(), 0, 1)) == "t";
        session.exempt = std::string_view(PQgetvalue(status.get(), 0, 2)) == "t";
        session.from_status = true;
        return session;
    }

    // No CREATE EXTENSION in this database (or an older one): the settings say the same.
    auto show = [&](const char *query) {
        auto value = single_value(conn.get(), query, error);
        if (!value)
            throw std::runtime_error(
                fmt::format("cannot read {} from the server of profile \"{}\": {}", query + 5, profile.name, error));
        return *value;
    };
    std::string shown = show("SHOW redline.require_token");
    auto requirement = token_requirement(shown, environment);
    if (!requirement)
        throw unknown(shown);
    session.require_token = *requirement;
    session.exempt = role_listed(show("SHOW redline.exempt_roles"), session.identity.session_user);
    session.locked =
        show("SHOW redline.enforce") == "on" && session.require_token != TokenRequirement::none && !session.exempt;
    return session;
}

} // namespace redline::cli
