// Adds, lists and removes profiles in config.toml. Every check of a profile happens before
// anything is written, so a refused `add` leaves the file exactly as it was.
#include "commands/profile.hpp"
#include "profiles/profile.hpp"

#include <CLI/CLI.hpp>
#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace redline::cli {

namespace {

Profile profile_from(const ProfileAddOptions &o)
{
    if (!o.service.empty() && !o.dsn.empty())
        throw std::runtime_error("give either --service or --dsn, not both");
    if (o.service.empty() && o.dsn.empty())
        throw std::runtime_error("give --service NAME (from pg_service.conf) or --dsn CONNINFO");
    Profile p;
    p.name = o.name;
    p.service = o.service;
    p.dsn = o.dsn;
    auto env = parse_environment(o.environment);
    if (!env)
        throw std::runtime_error(
            fmt::format("unknown environment \"{}\": use production, staging, development or local", o.environment));
    p.environment = *env;
    if (!o.auth.empty()) {
        auto method = parse_auth_method(o.auth);
        if (!method)
            throw std::runtime_error(
                fmt::format("unknown auth method \"{}\": use pam, touchid, typed or none", o.auth));
        p.auth = *method;
    }
    p.pam_service = o.pam_service;
    if (!o.pam_amr.empty()) {
        if (p.auth != AuthMethod::pam)
            throw std::runtime_error("--pam-amr says what a PAM service proves: it goes with --auth pam");
        std::string_view rest = o.pam_amr;
        while (!rest.empty()) {
            std::size_t comma = rest.find(',');
            std::string_view method = rest.substr(0, comma);
            if (!method.empty())
                p.pam_amr.emplace_back(method);
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
    }
    if (!o.key.empty()) {
        check_key_file(o.key);
        // Stored absolute, so the profile means the same file from any working directory.
        p.key = std::filesystem::absolute(o.key).lexically_normal().string();
    }
    validate_profile(p);
    return p;
}

int run_add(const ProfileAddOptions &options)
{
    Profile profile = profile_from(options);
    std::filesystem::path file = config_file();
    std::vector<Profile> profiles = load_profiles(file);
    auto same =
        std::find_if(profiles.begin(), profiles.end(), [&](const Profile &p) { return p.name == profile.name; });
    if (same != profiles.end() && !options.replace)
        throw std::runtime_error(
            fmt::format("profile \"{}\" already exists; add --replace to overwrite it", profile.name));
    if (same != profiles.end())
        *same = profile;
    else
        profiles.push_back(profile);
    std::sort(profiles.begin(), profiles.end(), [](const Profile &a, const Profile &b) { return a.name < b.name; });
    save_profiles(file, profiles);
    std::fputs(fmt::format("redline: profile \"{}\" ({}) saved in {}\n", profile.name,
                           environment_name(profile.environment), file.string())
                   .c_str(),
               stderr);
    return 0;
}

std::string connection_of(const Profile &p) { return p.service.empty() ? p.dsn : "service=" + p.service; }

int run_list(const Palette &palette)
{
    std::filesystem::path file = config_file();
    std::vector<Profile> profiles = load_profiles(file);
    if (profiles.empty()) {
        std::fputs("No profiles yet. Add one with:\n"
                   "  redline profile add NAME --service SERVICE --env production\n",
                   stdout);
        return 0;
    }
    std::size_t name_width = 4, env_width = 11, connection_width = 10;
    for (const Profile &p : profiles) {
        name_width = std::max(name_width, p.name.size());
        env_width = std::max(env_width, std::string_view(environment_name(p.environment)).size());
        connection_width = std::max(connection_width, connection_of(p).size());
    }
    std::string out = fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", "NAME", name_width, "ENVIRONMENT", env_width,
                                  "CONNECTION", connection_width, "AUTH");
    for (const Profile &p : profiles) {
        // Padding stays outside the colour, so the escape bytes never count toward a width.
        std::string env = environment_name(p.environment);
        std::string painted = fmt::format(palette.environment(p.environment), "{}", env);
        out += fmt::format("{:<{}}  {}{:<{}}  {:<{}}  {}\n", p.name, name_width, painted, "", env_width - env.size(),
                           connection_of(p), connection_width, auth_method_name(p.auth));
    }
    std::fputs(out.c_str(), stdout);
    return 0;
}

int run_remove(const ProfileRemoveOptions &options)
{
    std::filesystem::path file = config_file();
    std::vector<Profile> profiles = load_profiles(file);
    auto gone =
        std::remove_if(profiles.begin(), profiles.end(), [&](const Profile &p) { return p.name == options.name; });
    if (gone == profiles.end())
        throw std::runtime_error(
            fmt::format("no profile named \"{}\"; redline profile list shows the ones there are", options.name));
    profiles.erase(gone, profiles.end());
    save_profiles(file, profiles);
    std::fputs(fmt::format("redline: profile \"{}\" removed\n", options.name).c_str(), stderr);
    return 0;
}

} // namespace

CLI::App *define_profile(CLI::App &app, ProfileOptions &options)
{
    CLI::App *profile = app.add_subcommand(
        "profile", "Manage connection profiles: a libpq service or connection string, its environment and auth method");
    profile->require_subcommand(1);

    using Action = ProfileOptions::Action;
    ProfileAddOptions &add = options.add;
    CLI::App *add_command = profile->add_subcommand(
        "add", "Add a profile; redline never stores a password (libpq reads it from ~/.pgpass or pg_service.conf)");
    add_command->callback([&options] { options.action = Action::add; });
    add_command->add_option("NAME", add.name, "Profile name: letters, digits, '_' and '-', at most 64")->required();
    add_command->add_option("--service", add.service, "A service defined in pg_service.conf")->type_name("SVC");
    add_command
        ->add_option("--dsn", add.dsn, "A libpq connection string or URI, without a password (instead of --service)")
        ->type_name("DSN");
    add_command
        ->add_option("--env", add.environment,
                     "The environment this profile must reach: production, staging, development or local")
        ->type_name("ENV")
        ->required();
    add_command
        ->add_option("--auth", add.auth,
                     fmt::format("How you confirm presence before a token is signed: pam, touchid (macOS), typed, or "
                                 "none (not for production); default {}",
                                 auth_method_name(default_auth_method())))
        ->type_name("METHOD");
    add_command->add_option("--pam-service", add.pam_service, "PAM service that --auth pam runs")
        ->type_name("NAME")
        ->default_str("redline");
    add_command
        ->add_option("--pam-amr", add.pam_amr,
                     "What tokens record of the PAM service (RFC 8176: fpt, face, hwk,user...), for a module redline "
                     "does not recognise; default: read from the service's file")
        ->type_name("METHODS");
    add_command
        ->add_option("--key", add.key, "Signing key for this profile: a k4.secret file of mode 0600 (see keygen)")
        ->type_name("FILE");
    add_command->add_flag("--replace", add.replace, "Overwrite a profile of the same name");

    profile->add_subcommand("list", "List the profiles, each environment in its colour")->callback([&options] {
        options.action = Action::list;
    });

    CLI::App *remove_command = profile->add_subcommand("remove", "Remove a profile");
    remove_command->callback([&options] { options.action = Action::remove; });
    remove_command->add_option("NAME", options.remove.name, "Profile to remove")->required();
    return profile;
}

int run_profile(const ProfileOptions &options, const CommandContext &context)
{
    switch (options.action) {
    case ProfileOptions::Action::add:
        return run_add(options.add);
    case ProfileOptions::Action::list:
        return run_list(context.palette);
    case ProfileOptions::Action::remove:
        break;
    }
    return run_remove(options.remove);
}

} // namespace redline::cli
