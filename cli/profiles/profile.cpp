// Reads, checks and writes config.toml. Loading is strict, because a profile that silently
// lost a key it did not understand could point a person at production under a weaker rule.
#include "profiles/profile.hpp"
#include "presence/pam_service.hpp"
#include "profiles/key_files.hpp"

#include <paserk.hpp>

#include <fmt/format.h>
#include <libpq-fe.h>
#include <toml++/toml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace redline::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char *password_advice =
    "redline never stores a password: put it in ~/.pgpass or name a service from pg_service.conf (--service)";

bool is_uri(std::string_view dsn) { return dsn.rfind("postgresql://", 0) == 0 || dsn.rfind("postgres://", 0) == 0; }

// libpq parses the string exactly as it will when connecting, so a password hidden in any of
// its spellings (quoted values, URI user info, percent-encoding) is found.
void check_dsn(const std::string &dsn)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(dsn.c_str(), &error);
    if (options == nullptr) {
        std::string reason = error != nullptr ? error : "out of memory";
        PQfreemem(error);
        while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
            reason.pop_back();
        throw std::runtime_error(fmt::format("the DSN is not a libpq connection string: {}", reason));
    }
    bool has_password = false;
    for (const PQconninfoOption *o = options; o->keyword != nullptr; ++o)
        if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr)
            has_password = true;
    PQconninfoFree(options);
    if (has_password && is_uri(dsn))
        throw std::runtime_error(fmt::format("the DSN holds a password (user:secret@); {}", password_advice));
    if (has_password)
        throw std::runtime_error(fmt::format("the DSN holds a password (password=); {}", password_advice));
}

const char *node_type_name(toml::node_type type)
{
    switch (type) {
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
        return "a date or time";
    case toml::node_type::none:
        break;
    }
    return "nothing";
}

std::string string_value(const toml::node &node, std::string_view key)
{
    if (const auto *s = node.as_string())
        return s->get();
    throw std::runtime_error(fmt::format("\"{}\" must be a string, not {}", key, node_type_name(node.type())));
}

Profile profile_from(std::string_view name, const toml::table &table)
{
    Profile p;
    p.name = std::string(name);
    bool has_environment = false;
    for (const auto &[key, node] : table) {
        std::string_view k = key.str();
        if (k == "service") {
            p.service = string_value(node, k);
        } else if (k == "dsn") {
            p.dsn = string_value(node, k);
        } else if (k == "environment") {
            std::string value = string_value(node, k);
            auto env = parse_environment(value);
            if (!env)
                throw std::runtime_error(
                    fmt::format("unknown environment \"{}\" (production, staging, development or local)", value));
            p.environment = *env;
            has_environment = true;
        } else if (k == "auth") {
            std::string value = string_value(node, k);
            auto method = parse_auth_method(value);
            if (!method)
                throw std::runtime_error(
                    fmt::format("unknown auth method \"{}\" (pam, touchid, typed or none)", value));
            p.auth = *method;
        } else if (k == "pam_service") {
            p.pam_service = string_value(node, k);
        } else if (k == "pam_amr") {
            const toml::array *values = node.as_array();
            if (values == nullptr)
                throw std::runtime_error(
                    fmt::format("\"pam_amr\" must be an array of strings, not {}", node_type_name(node.type())));
            for (const toml::node &value : *values)
                p.pam_amr.push_back(string_value(value, k));
        } else if (k == "key") {
            p.key = string_value(node, k);
        } else {
            throw std::runtime_error(
                fmt::format("unknown key \"{}\" (service, dsn, environment, auth, pam_service, pam_amr, key)", k));
        }
    }
    // No default here: a forgotten environment must not quietly become anything.
    if (!has_environment)
        throw std::runtime_error("no \"environment\"");
    validate_profile(p);
    return p;
}

[[noreturn]] void fail(const std::string &what, int err)
{
    throw std::runtime_error(fmt::format("{}: {}", what, std::strerror(err)));
}

} // namespace

const char *auth_method_name(AuthMethod method)
{
    switch (method) {
    case AuthMethod::pam:
        return "pam";
    case AuthMethod::touchid:
        return "touchid";
    case AuthMethod::typed:
        return "typed";
    case AuthMethod::none:
        return "none";
    }
    return "pam";
}

std::optional<AuthMethod> parse_auth_method(std::string_view name)
{
    for (AuthMethod m : {AuthMethod::pam, AuthMethod::touchid, AuthMethod::typed, AuthMethod::none})
        if (name == auth_method_name(m))
            return m;
    return std::nullopt;
}

AuthMethod default_auth_method()
{
#if defined(__APPLE__)
    return AuthMethod::touchid;
#else
    return AuthMethod::pam;
#endif
}

bool valid_profile_name(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

void validate_profile(const Profile &profile)
{
    if (!valid_profile_name(profile.name))
        throw std::runtime_error(fmt::format(
            "\"{}\" is not a profile name: letters, digits, '_' and '-', at most 64 characters", profile.name));
    if (profile.service.empty() == profile.dsn.empty())
        throw std::runtime_error("a profile names either a service or a DSN, exactly one of the two");
    if (!profile.dsn.empty())
        check_dsn(profile.dsn);
    if (profile.auth == AuthMethod::none && profile.environment == Environment::production)
        throw std::runtime_error(
            "auth none is only for non-production environments: use pam, touchid or typed for production");
#if !defined(__APPLE__)
    if (profile.auth == AuthMethod::touchid)
        throw std::runtime_error("auth touchid needs macOS (Touch ID); on this system use pam, typed or none");
#endif
    // The name becomes a file name under /etc/pam.d, so it is held to the key label rules.
    if (!valid_label(profile.pam_service))
        throw std::runtime_error(
            fmt::format("\"{}\" is not a PAM service name: letters, digits, '.', '_' and '-', not starting with '.'",
                        profile.pam_service));
    for (const std::string &method : profile.pam_amr)
        if (!is_registered_amr(method))
            throw std::runtime_error(fmt::format(
                "\"{}\" is not an RFC 8176 authentication method (fpt, face, hwk, user, pin, pwd, otp...)", method));
    if (!profile.key.empty() && profile.key.front() != '/')
        throw std::runtime_error(fmt::format("the key path \"{}\" is not absolute", profile.key));
}

void check_key_file(const fs::path &path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        fail(fmt::format("cannot use key {}", path.string()), errno);
    if (!S_ISREG(st.st_mode))
        throw std::runtime_error(fmt::format("key {} is not a regular file", path.string()));
    if (st.st_uid != ::geteuid())
        throw std::runtime_error(
            fmt::format("key {} belongs to another user; a signing key must be yours", path.string()));
    if ((st.st_mode & 077) != 0)
        throw std::runtime_error(fmt::format("key {} has mode {:04o}, readable by others; run chmod 600 {}",
                                             path.string(), st.st_mode & 07777, path.string()));
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    auto secret = token::parse_paserk_secret(line);
    if (!secret)
        throw std::runtime_error(
            fmt::format("key {} does not hold a PASERK k4.secret (make one with redline keygen)", path.string()));
}

fs::path config_file() { return config_directory() / "config.toml"; }

std::vector<Profile> load_profiles(const fs::path &file)
{
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(file, ec)))
        return {};
    toml::table root;
    try {
        root = toml::parse_file(file.string());
    } catch (const toml::parse_error &e) {
        throw std::runtime_error(fmt::format("{}:{}:{}: {}", file.string(), e.source().begin.line,
                                             e.source().begin.column, e.description()));
    }
    std::vector<Profile> profiles;
    for (const auto &[key, node] : root) {
        if (key.str() != "profiles")
            throw std::runtime_error(
                fmt::format("{}: unknown key \"{}\" (only [profiles.NAME] tables)", file.string(), key.str()));
        const toml::table *table = node.as_table();
        if (table == nullptr)
            throw std::runtime_error(fmt::format("{}: \"profiles\" must be a table", file.string()));
        for (const auto &[name, entry] : *table) {
            try {
                const toml::table *profile = entry.as_table();
                if (profile == nullptr)
                    throw std::runtime_error(
                        fmt::format("must be a table [profiles.{}], not {}", name.str(), node_type_name(entry.type())));
                profiles.push_back(profile_from(name.str(), *profile));
            } catch (const std::runtime_error &e) {
                throw std::runtime_error(fmt::format("{}: profile \"{}\": {}", file.string(), name.str(), e.what()));
            }
        }
    }
    return profiles;
}

Profile find_profile(const std::string &name)
{
    for (Profile &profile : load_profiles(config_file()))
        if (profile.name == name)
            return profile;
    throw std::runtime_error(fmt::format(
        "no profile \"{}\": see redline profile list, or add it with redline profile add {} --service SERVICE "
        "--env ENV",
        name, name));
}

void save_profiles(const fs::path &file, const std::vector<Profile> &profiles)
{
    toml::table all;
    for (const Profile &p : profiles) {
        toml::table t;
        if (!p.service.empty())
            t.insert("service", p.service);
        else
            t.insert("dsn", p.dsn);
        t.insert("environment", environment_name(p.environment));
        t.insert("auth", auth_method_name(p.auth));
        t.insert("pam_service", p.pam_service);
        if (!p.pam_amr.empty()) {
            toml::array methods;
            for (const std::string &method : p.pam_amr)
                methods.push_back(method);
            t.insert("pam_amr", std::move(methods));
        }
        if (!p.key.empty())
            t.insert("key", p.key);
        all.insert(p.name, std::move(t));
    }
    toml::table root;
    root.insert("profiles", std::move(all));
    std::ostringstream text;
    text << "# redline profiles, written by redline profile add|remove. Passwords never belong here:\n"
            "# libpq reads them from ~/.pgpass or pg_service.conf.\n\n"
         << root << "\n";
    std::string content = text.str();

    replace_private_file(file, content);
}

} // namespace redline::cli
