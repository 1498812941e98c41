// libpq's conninfo_add_defaults, offline: what the profile says wins, then its service's
// section, then the environment, then the compiled-in defaults. The DSN is parsed by libpq
// itself (PQconninfoParse), so quoting and URIs read exactly as they would connect.
#include "profiles/connection_facts.hpp"
#include "server/connection.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <array>

namespace redline::cli {

namespace {

// The keywords doctor compares; the password is looked at only for where it comes from.
constexpr std::array<const char *, 8> keywords{"service", "host",   "hostaddr", "port",
                                               "user",    "dbname", "passfile", "password"};

bool tracked(const std::string &keyword)
{
    for (const char *k : keywords)
        if (keyword == k)
            return true;
    return false;
}

std::vector<std::string> split_list(const std::string &value)
{
    std::vector<std::string> items;
    std::size_t start = 0;
    while (true) {
        std::size_t comma = value.find(',', start);
        items.push_back(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos)
            return items;
        start = comma + 1;
    }
}

} // namespace

std::string LibpqEnvironment::get(const std::string &name) const
{
    auto found = variables.find(name);
    return found == variables.end() ? "" : found->second;
}

const std::map<std::string, std::string> &libpq_variables()
{
    static const std::map<std::string, std::string> variables{
        {"service", "PGSERVICE"}, {"host", "PGHOST"},       {"hostaddr", "PGHOSTADDR"}, {"port", "PGPORT"},
        {"user", "PGUSER"},       {"dbname", "PGDATABASE"}, {"passfile", "PGPASSFILE"}, {"password", "PGPASSWORD"},
    };
    return variables;
}

ConnectionFacts resolve_connection(const Profile &profile, const std::vector<ServiceFile> &service_files,
                                   const LibpqEnvironment &env)
{
    ConnectionFacts facts;
    facts.profile = profile.name;
    facts.environment = profile.environment;
    facts.auth = profile.auth;
    std::map<std::string, Sourced> values;

    std::string conninfo = profile_conninfo(profile);
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.c_str(), &error);
    if (options == nullptr) {
        std::string reason = error != nullptr ? error : "out of memory";
        PQfreemem(error);
        while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
            reason.pop_back();
        facts.problem = fmt::format("its DSN is not a libpq connection string: {}", reason);
        return facts;
    }
    const char *own = profile.service.empty() ? "DSN" : "profile";
    for (const PQconninfoOption *o = options; o->keyword != nullptr; ++o)
        if (o->val != nullptr && tracked(o->keyword))
            values[o->keyword] = Sourced{o->val, own};
    PQconninfoFree(options);

    // The service: named by the profile, else by PGSERVICE. Its section fills only what the
    // profile left unset, and the first setting of a keyword in the section wins.
    if (values["service"].value.empty() && !env.get("PGSERVICE").empty())
        values["service"] = Sourced{env.get("PGSERVICE"), "PGSERVICE"};
    facts.service = values["service"];
    if (!facts.service.value.empty()) {
        FoundService found = find_service(service_files, facts.service.value);
        if (found.section == nullptr) {
            std::string searched;
            for (const ServiceFile &file : service_files)
                searched += (searched.empty() ? "" : ", ") + file.path;
            facts.problem = fmt::format("service \"{}\" is defined in no service file ({})", facts.service.value,
                                        searched.empty() ? "none was found" : "read: " + searched);
        } else {
            std::string source = fmt::format("service {} in {}", facts.service.value, found.file->path);
            for (const auto &[key, value] : found.section->settings)
                if (tracked(key) && key != "service" && values[key].source.empty())
                    values[key] = Sourced{value, source};
        }
    }

    for (const auto &[keyword, variable] : libpq_variables())
        if (values[keyword].source.empty() && !env.get(variable).empty())
            values[keyword] = Sourced{env.get(variable), variable};

    if (values["user"].value.empty())
        values["user"] = Sourced{env.os_user, "default (your OS user)"};
    if (values["dbname"].value.empty())
        values["dbname"] = Sourced{values["user"].value, "default (the user name)"};
    if (values["passfile"].value.empty())
        values["passfile"] = Sourced{env.home + "/.pgpass", "default"};
    facts.user = values["user"];
    facts.database = values["dbname"];
    facts.passfile = values["passfile"];
    if (!values["password"].source.empty())
        facts.password = Sourced{"", values["password"].source};

    Sourced hosts = values["host"].value.empty() ? values["hostaddr"] : values["host"];
    Sourced ports = values["port"].value.empty() ? Sourced{"5432", "default"} : values["port"];
    std::vector<std::string> host_list = split_list(hosts.value);
    std::vector<std::string> port_list = split_list(ports.value);
    if (port_list.size() != 1 && port_list.size() != host_list.size()) {
        facts.problem = fmt::format("it names {} hosts and {} ports", host_list.size(), port_list.size());
        return facts;
    }
    for (std::size_t i = 0; i < host_list.size(); ++i) {
        std::string port = port_list.size() == 1 ? port_list[0] : port_list[i];
        facts.endpoints.push_back(
            Endpoint{Sourced{host_list[i], hosts.source}, Sourced{port.empty() ? "5432" : port, ports.source}});
    }
    return facts;
}

std::string pgpass_host(const Endpoint &endpoint)
{
    // libpq matches the default socket directory as "localhost"; Debian's is /var/run/postgresql.
    const std::string &host = endpoint.host.value;
    if (host.empty() || host == "/var/run/postgresql" || host == "/run/postgresql")
        return "localhost";
    return host;
}

} // namespace redline::cli
