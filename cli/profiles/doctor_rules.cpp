// The rules behind redline doctor. A finding names what it found and says what to do; its
// severity is error when production is exposed or a profile must be wrong, warning when a
// habit weakens the separation of environments without breaking it.
#include "profiles/doctor_rules.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace redline::cli {

namespace {

struct Member {
    const ConnectionFacts *profile;
    std::string source;
};

std::string lowercase(std::string text)
{
    for (char &c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string join_names(const std::vector<std::string> &names)
{
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return out;
}

std::string profile_label(const ConnectionFacts &p)
{
    return fmt::format("{} ({})", p.profile, environment_name(p.environment));
}

std::string profiles_of(const std::vector<Member> &members)
{
    std::vector<std::string> names;
    for (const Member &m : members)
        names.push_back(profile_label(*m.profile));
    return join_names(names);
}

std::string sources_of(const std::vector<Member> &members)
{
    std::string out;
    for (const Member &m : members)
        out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", m.profile->profile, m.source);
    return out;
}

bool spans_environments(const std::vector<Member> &members)
{
    std::set<Environment> environments;
    for (const Member &m : members)
        environments.insert(m.profile->environment);
    return environments.size() > 1;
}

bool touches_production(const std::vector<Member> &members)
{
    return std::any_of(members.begin(), members.end(),
                       [](const Member &m) { return m.profile->environment == Environment::production; });
}

// True when one PG* variable gave every member its value: check_environment_variables
// reports that, once, with the variable to unset.
bool only_from_variable(const std::vector<Member> &members)
{
    for (const Member &m : members)
        if (m.source.rfind("PG", 0) != 0 || m.source != members.front().source)
            return false;
    return true;
}

using Groups = std::map<std::string, std::vector<Member>>;

void add_member(Groups &groups, const std::string &key, const ConnectionFacts &profile, const std::string &source)
{
    std::vector<Member> &members = groups[key];
    for (const Member &m : members)
        if (m.profile == &profile)
            return;
    members.push_back(Member{&profile, source});
}

bool resolved(const ConnectionFacts &p) { return p.problem.empty(); }

std::string pam_advice(const std::string &profile)
{
    return fmt::format("use --auth pam with pam_fprintd (fingerprint) or pam_u2f (security key) in its PAM service: "
                       "redline profile add {} ... --auth pam --replace",
                       profile);
}

// How a server is named in messages and compared: host names ignore case, socket paths do not.
std::string server_name(const Endpoint &e)
{
    const std::string &host = e.host.value;
    if (host.empty())
        return fmt::format("the local socket (port {})", e.port.value);
    return fmt::format("{}:{}", host.front() == '/' ? host : lowercase(host), e.port.value);
}

const char *mode_advice(FileRole role)
{
    return role == FileRole::secret_key || role == FileRole::config_file || role == FileRole::password_file
               ? "chmod 600"
               : "chmod 700";
}

std::string octal(unsigned mode) { return fmt::format("{:04o}", mode & 07777); }

} // namespace

std::vector<Finding> check_shared_connections(const std::vector<ConnectionFacts> &profiles)
{
    Groups services, servers, users;
    for (const ConnectionFacts &p : profiles) {
        if (!resolved(p))
            continue;
        if (!p.service.value.empty())
            add_member(services, p.service.value, p, p.service.source);
        for (const Endpoint &e : p.endpoints)
            add_member(servers, server_name(e), p, e.host.source.empty() ? "default" : e.host.source);
        add_member(users, p.user.value, p, p.user.source);
    }

    std::vector<Finding> findings;
    for (const auto &[service, members] : services)
        if (spans_environments(members) && !only_from_variable(members))
            findings.push_back(
                Finding{Severity::error, "shared-service",
                        fmt::format("profiles {} use the same service \"{}\" ({})", profiles_of(members), service,
                                    sources_of(members)),
                        "give each environment its own service in pg_service.conf and point each profile at its own"});
    for (const auto &[server, members] : servers)
        if (spans_environments(members) && !only_from_variable(members))
            findings.push_back(
                Finding{Severity::error, "shared-server",
                        fmt::format("profiles {} reach the same server {} ({})", profiles_of(members), server,
                                    sources_of(members)),
                        "a server has one redline.environment, so one of these profiles is wrong: correct its host "
                        "or port (redline profile add NAME ... --replace)"});
    for (const auto &[user, members] : users)
        if (spans_environments(members) && !only_from_variable(members))
            findings.push_back(Finding{
                Severity::warning, "shared-user",
                fmt::format("profiles {} log in as the same user \"{}\" ({})", profiles_of(members), user,
                            sources_of(members)),
                "use a separate role per environment (for example alice_production), each with its own password, "
                "so that a staging credential never opens production"});
    return findings;
}

std::vector<Finding> check_password_files(const std::vector<ConnectionFacts> &profiles,
                                          const std::map<std::string, std::vector<PgpassLine>> &password_files)
{
    // Which line of which file serves each profile: libpq takes the first line that matches.
    std::map<std::pair<std::string, int>, std::vector<Member>> served;
    std::map<std::pair<std::string, int>, const PgpassLine *> lines;
    for (const ConnectionFacts &p : profiles) {
        // A password given outright (PGPASSWORD, a service file) is used before any file.
        if (!resolved(p) || !p.password.source.empty())
            continue;
        auto file = password_files.find(p.passfile.value);
        if (file == password_files.end())
            continue;
        for (const Endpoint &e : p.endpoints) {
            PgpassQuery query{pgpass_host(e), e.port.value, p.database.value, p.user.value};
            if (const PgpassLine *line = first_pgpass_match(file->second, query)) {
                auto key = std::make_pair(file->first, line->number);
                lines[key] = line;
                std::vector<Member> &members = served[key];
                if (std::none_of(members.begin(), members.end(), [&](const Member &m) { return m.profile == &p; }))
                    members.push_back(Member{&p, ""});
            }
        }
    }
    std::vector<Finding> findings;
    for (const auto &[key, members] : served) {
        if (!spans_environments(members))
            continue;
        const PgpassLine &line = *lines[key];
        findings.push_back(Finding{
            touches_production(members) ? Severity::error : Severity::warning, "shared-password",
            fmt::format("{} line {} ({}) gives the same password to {}", key.first, key.second,
                        describe_pgpass_line(line), profiles_of(members)),
            line.has_wildcard()
                ? "above the wildcard line, put one line per environment with its own host, port and user, so no "
                  "wildcard serves two environments"
                : "use a separate role and password per environment, each on its own line"});
    }
    return findings;
}

std::vector<Finding> check_environment_variables(const std::vector<ConnectionFacts> &profiles,
                                                 const LibpqEnvironment &env)
{
    std::vector<Finding> findings;
    bool production = std::any_of(profiles.begin(), profiles.end(),
                                  [](const ConnectionFacts &p) { return p.environment == Environment::production; });
    std::set<Environment> environments;
    for (const ConnectionFacts &p : profiles)
        environments.insert(p.environment);
    if (!env.get("PGPASSWORD").empty() && (production || environments.size() > 1))
        findings.push_back(Finding{
            production ? Severity::error : Severity::warning, "env-password",
            production ? "PGPASSWORD is set: libpq sends it, ahead of ~/.pgpass, to every server a profile connects "
                         "to, production included"
                       : "PGPASSWORD is set: libpq sends it, ahead of ~/.pgpass, to the servers of every environment",
            "unset PGPASSWORD (and remove it from your shell's startup files); keep one ~/.pgpass line per "
            "environment instead"});

    // The variables that say where to connect and as whom; the others (PGDATABASE,
    // PGPASSFILE) are harmless when shared.
    const std::vector<std::pair<std::string, std::string>> placement{{"PGSERVICE", "service"},
                                                                     {"PGHOST", "host"},
                                                                     {"PGHOSTADDR", "hostaddr"},
                                                                     {"PGPORT", "port"},
                                                                     {"PGUSER", "user"}};
    for (const auto &[variable, keyword] : placement) {
        std::vector<Member> members;
        for (const ConnectionFacts &p : profiles) {
            bool supplied = p.service.source == variable || p.user.source == variable;
            for (const Endpoint &e : p.endpoints)
                supplied = supplied || e.host.source == variable || e.port.source == variable;
            if (supplied)
                members.push_back(Member{&p, variable});
        }
        if (!spans_environments(members))
            continue;
        findings.push_back(
            Finding{Severity::warning, "env-variable",
                    fmt::format("{}={} is set and applies to profiles {}, which name no {}", variable,
                                env.get(variable), profiles_of(members), keyword),
                    fmt::format("set {}= in each profile's DSN or service, and unset {}", keyword, variable)});
    }
    return findings;
}

std::vector<Finding> check_auth_methods(const std::vector<ConnectionFacts> &profiles)
{
    std::vector<Finding> findings;
    for (const ConnectionFacts &p : profiles) {
        if (p.environment != Environment::production)
            continue;
        if (p.auth == AuthMethod::none)
            findings.push_back(Finding{Severity::error, "weak-auth",
                                       fmt::format("production profile {} has auth none: its tokens are signed with "
                                                   "no person check at all",
                                                   p.profile),
                                       pam_advice(p.profile)});
        else if (p.auth == AuthMethod::typed)
            findings.push_back(Finding{Severity::warning, "weak-auth",
                                       fmt::format("production profile {} has auth typed: anyone at the keyboard can "
                                                   "type the environment's name",
                                                   p.profile),
                                       pam_advice(p.profile)});
    }
    return findings;
}

std::vector<Finding> check_unresolved(const std::vector<ConnectionFacts> &profiles)
{
    std::vector<Finding> findings;
    for (const ConnectionFacts &p : profiles)
        if (!resolved(p))
            findings.push_back(Finding{Severity::warning, "unresolved",
                                       fmt::format("profile {} would not connect: {}", profile_label(p), p.problem),
                                       "correct the profile or the service file; its other checks were skipped"});
    return findings;
}

std::vector<Finding> check_file_modes(const std::vector<FileFacts> &files, unsigned uid)
{
    std::vector<Finding> findings;
    for (const FileFacts &f : files) {
        if (f.kind == FileKind::missing)
            continue;
        bool directory = f.role == FileRole::config_directory || f.role == FileRole::keys_directory;
        bool secret = f.role == FileRole::secret_key || f.role == FileRole::keys_directory;
        const char *code = f.role == FileRole::secret_key         ? "key-file"
                           : f.role == FileRole::keys_directory   ? "keys-directory"
                           : f.role == FileRole::password_file    ? "password-file"
                           : f.role == FileRole::config_directory ? "config-directory"
                                                                  : "config-file";
        Severity mine = f.role == FileRole::password_file ? Severity::warning : Severity::error;
        if ((directory && f.kind != FileKind::directory) || (!directory && f.kind != FileKind::regular)) {
            findings.push_back(Finding{mine, code,
                                       fmt::format("{} is not a {}", f.path, directory ? "directory" : "regular file"),
                                       f.role == FileRole::password_file ? "libpq ignores it: make it a plain file"
                                                                         : "move it away and let redline recreate it"});
            continue;
        }
        if (f.uid != uid) {
            findings.push_back(Finding{mine, code, fmt::format("{} belongs to user id {}, not to you", f.path, f.uid),
                                       f.role == FileRole::secret_key
                                           ? "a signing key must be yours alone: make your own with redline keygen "
                                             "and have it enrolled"
                                           : std::string("chown it to yourself, or move it away")});
            continue;
        }
        unsigned loose = f.mode & 077;
        if (loose == 0)
            continue;
        Severity severity = Severity::warning;
        std::string what;
        if (secret) {
            severity = Severity::error;
            what = fmt::format("{} has mode {}: others can read {}", f.path, octal(f.mode),
                               f.role == FileRole::secret_key ? "your signing key" : "or list your signing keys");
        } else if (f.role == FileRole::password_file) {
            what = fmt::format("{} has mode {}, so libpq ignores it and asks for passwords elsewhere", f.path,
                               octal(f.mode));
        } else if ((f.mode & 022) != 0) {
            severity = Severity::error;
            what = fmt::format("{} has mode {}: others can change your profiles", f.path, octal(f.mode));
        } else {
            what = fmt::format("{} has mode {}: others can read your profiles", f.path, octal(f.mode));
        }
        findings.push_back(Finding{severity, code, what, fmt::format("{} {}", mode_advice(f.role), f.path)});
    }
    return findings;
}

std::vector<Finding> run_doctor_rules(const DoctorFacts &facts)
{
    std::vector<Finding> all;
    for (auto &&group : {check_unresolved(facts.profiles), check_shared_connections(facts.profiles),
                         check_password_files(facts.profiles, facts.password_files),
                         check_environment_variables(facts.profiles, facts.env), check_auth_methods(facts.profiles),
                         check_file_modes(facts.files, facts.uid)})
        all.insert(all.end(), group.begin(), group.end());
    std::stable_sort(all.begin(), all.end(), [](const Finding &a, const Finding &b) {
        return a.severity == Severity::error && b.severity != Severity::error;
    });
    return all;
}

bool has_errors(const std::vector<Finding> &findings)
{
    return std::any_of(findings.begin(), findings.end(),
                       [](const Finding &f) { return f.severity == Severity::error; });
}

std::string format_finding(const Finding &finding, const Palette &palette)
{
    bool error = finding.severity == Severity::error;
    return fmt::format("{}[{}]: {}; {}",
                       fmt::styled(error ? "error" : "warning", error ? palette.danger : palette.warning), finding.code,
                       finding.what, finding.todo);
}

} // namespace redline::cli
