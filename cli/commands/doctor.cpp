// Gathers what doctor checks without connecting anywhere and without changing anything (a
// loose keys directory is reported, not tightened), then runs the rules and prints one line
// per finding.
#include "commands/doctor.hpp"
#include "profiles/key_files.hpp"
#include "profiles/profile.hpp"

#include <CLI/CLI.hpp>
#include <fmt/color.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <pwd.h>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#ifndef REDLINE_PG_SYSCONFDIR
#define REDLINE_PG_SYSCONFDIR "/etc/postgresql-common"
#endif

namespace redline::cli {

namespace {

namespace fs = std::filesystem;

std::string count(std::size_t n, const char *thing) { return fmt::format("{} {}{}", n, thing, n == 1 ? "" : "s"); }

void note(bool verbose, const std::string &line)
{
    if (verbose)
        std::fputs(("redline: " + line + "\n").c_str(), stderr);
}

std::string env_value(const char *name)
{
    const char *value = std::getenv(name);
    return value != nullptr ? value : "";
}

LibpqEnvironment current_environment()
{
    LibpqEnvironment env;
    for (const auto &[keyword, variable] : libpq_variables())
        if (!env_value(variable.c_str()).empty())
            env.variables[variable] = env_value(variable.c_str());
    const passwd *pw = ::getpwuid(::geteuid());
    env.os_user = pw != nullptr ? pw->pw_name : "";
    env.home = env_value("HOME");
    if (env.home.empty() && pw != nullptr)
        env.home = pw->pw_dir;
    return env;
}

FileFacts file_facts(const std::string &path, FileRole role)
{
    FileFacts facts;
    facts.path = path;
    facts.role = role;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return facts;
    facts.kind = S_ISREG(st.st_mode) ? FileKind::regular : S_ISDIR(st.st_mode) ? FileKind::directory : FileKind::other;
    facts.mode = st.st_mode & 07777;
    facts.uid = st.st_uid;
    return facts;
}

// The whole file, or nullopt when it is not a readable regular file.
std::optional<std::string> read_text(const std::string &path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    std::ifstream in(path);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// libpq's lookup order: the user's file, then the system-wide one.
std::vector<ServiceFile> read_service_files(const LibpqEnvironment &env, bool verbose)
{
    std::string user_file = env_value("PGSERVICEFILE");
    if (user_file.empty())
        user_file = env.home + "/.pg_service.conf";
    std::string sysconfdir = env_value("PGSYSCONFDIR");
    if (sysconfdir.empty())
        sysconfdir = REDLINE_PG_SYSCONFDIR;
    std::vector<ServiceFile> files;
    for (const std::string &path : {user_file, sysconfdir + "/pg_service.conf"}) {
        auto text = read_text(path);
        if (!text) {
            note(verbose, fmt::format("no service file at {}", path));
            continue;
        }
        files.push_back(parse_service_file(path, *text));
        note(verbose, fmt::format("read service file {} ({})", path, count(files.back().sections.size(), "service")));
    }
    return files;
}

} // namespace

DoctorFacts gather_doctor_facts(std::vector<Finding> &findings, bool verbose)
{
    DoctorFacts facts;
    facts.uid = ::geteuid();
    facts.env = current_environment();
    std::vector<ServiceFile> service_files = read_service_files(facts.env, verbose);

    fs::path dir = config_directory_path();
    fs::path config = dir / "config.toml";
    std::vector<Profile> profiles;
    try {
        profiles = load_profiles(config);
        note(verbose, fmt::format("read {} from {}", count(profiles.size(), "profile"), config.string()));
    } catch (const std::runtime_error &e) {
        findings.push_back(
            Finding{Severity::error, "config", e.what(),
                    "correct the file, or remove the profile and add it again with redline profile add"});
    }
    for (const Profile &profile : profiles)
        facts.profiles.push_back(resolve_connection(profile, service_files, facts.env));

    std::set<std::string> password_files;
    for (const ConnectionFacts &p : facts.profiles)
        if (p.problem.empty())
            password_files.insert(p.passfile.value);
    for (const std::string &path : password_files) {
        facts.files.push_back(file_facts(path, FileRole::password_file));
        auto text = read_text(path);
        if (!text) {
            note(verbose, fmt::format("no password file at {}", path));
            continue;
        }
        facts.password_files[path] = parse_pgpass(*text);
        note(verbose,
             fmt::format("read password file {} ({})", path, count(facts.password_files[path].size(), "line")));
    }

    facts.files.push_back(file_facts(dir.string(), FileRole::config_directory));
    facts.files.push_back(file_facts(config.string(), FileRole::config_file));
    fs::path keys = dir / "keys";
    facts.files.push_back(file_facts(keys.string(), FileRole::keys_directory));
    std::set<std::string> key_files;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(keys, ec)) {
        std::string name = entry.path().filename().string();
        if (name.size() > 10 && name.compare(name.size() - 10, 10, ".k4.secret") == 0)
            key_files.insert(entry.path().string());
    }
    for (const Profile &profile : profiles)
        if (!profile.key.empty())
            key_files.insert(profile.key);
    for (const std::string &key : key_files)
        facts.files.push_back(file_facts(key, FileRole::secret_key));
    note(verbose, fmt::format("checked the modes of {} and {}", dir.string(), count(key_files.size(), "key file")));
    return facts;
}

CLI::App *define_doctor(CLI::App &app, DoctorOptions &)
{
    CLI::App *sub = app.add_subcommand(
        "doctor", "Check this machine's set-up: credentials shared across environments, weak checks, loose keys");
    sub->footer("Reads, without connecting anywhere or changing anything: your profiles; pg_service.conf\n"
                "(PGSERVICEFILE or ~/.pg_service.conf, then PGSYSCONFDIR/pg_service.conf); the password file\n"
                "of each profile (PGPASSFILE or ~/.pgpass); the PG* environment variables; the modes of\n"
                "config.toml, the keys directory and the key files. It reports profiles of different\n"
                "environments that share a server, a service, a user or a password (a .pgpass line, a\n"
                "wildcard line, PGPASSWORD), production profiles with a weak person check, and keys or\n"
                "configuration others can read. One line per finding: error[rule] or warning[rule], what\n"
                "was found; what to do.\n"
                "Exit status: 0 nothing found, or warnings only; 1 at least one error;\n"
                "100 and above: a mistake on the command line.");
    return sub;
}

int run_doctor(const DoctorOptions &, const CommandContext &context)
{
    const Palette &palette = context.palette;
    std::vector<Finding> findings;
    DoctorFacts facts = gather_doctor_facts(findings, context.global.verbose);
    std::vector<Finding> found = run_doctor_rules(facts);
    findings.insert(findings.end(), found.begin(), found.end());

    std::string out;
    std::size_t errors = 0;
    for (const Finding &finding : findings) {
        out += format_finding(finding, palette) + "\n";
        errors += finding.severity == Severity::error ? 1 : 0;
    }
    std::size_t warnings = findings.size() - errors;
    if (findings.empty())
        out += fmt::format(palette.ok, "redline doctor: no problems found ({} checked)\n",
                           count(facts.profiles.size(), "profile"));
    else
        out += fmt::format("redline doctor: {}, {} ({} checked)\n", count(errors, "error"), count(warnings, "warning"),
                           count(facts.profiles.size(), "profile"));
    std::fputs(out.c_str(), stdout);
    return errors > 0 ? 1 : 0;
}

} // namespace redline::cli
