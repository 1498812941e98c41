// redline profile add|list|remove: the named connections a person uses, each tied to the
// environment it must reach and to how the person proves presence before writing there.
#pragma once

#include "app/app.hpp"

#include <string>

namespace CLI {
class App;
}

namespace redline::cli {

struct ProfileAddOptions {
    std::string name;
    std::string service;
    std::string dsn;
    std::string environment;
    std::string auth; // empty: the platform's default
    std::string pam_service = "redline";
    std::string pam_amr; // comma-separated; empty: what the PAM service's file says
    std::string key;
    bool replace = false;
};

struct ProfileRemoveOptions {
    std::string name;
};

struct ProfileOptions {
    enum class Action { add, list, remove } action = Action::list; // the one chosen
    ProfileAddOptions add;
    ProfileRemoveOptions remove;
};

// Adds `profile` and its three subcommands.
CLI::App *define_profile(CLI::App &app, ProfileOptions &options);

// Runs the chosen one and returns the exit code. Throws std::runtime_error with a one-line
// reason.
int run_profile(const ProfileOptions &options, const CommandContext &context);

} // namespace redline::cli
