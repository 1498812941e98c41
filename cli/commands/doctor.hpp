// redline doctor: offline checks of this machine's set-up against rule 9 (separate credentials
// per environment) and the key rules: shared users, servers, services and passwords across
// environments, weak person checks for production, loose key and config file modes.
#pragma once

#include "app/app.hpp"
#include "profiles/doctor_rules.hpp"

#include <string>

namespace CLI {
class App;
}

namespace redline::cli {

// Exit codes: 0 nothing found, or warnings only; 1 at least one error-level finding (or
// doctor could not read what it checks).

struct DoctorOptions {};

// What doctor reads, gathered from this process and its files: profiles (a config.toml it
// cannot read becomes a finding), service files, password files, PG* variables, modes.
// `verbose` says on stderr which files were read.
DoctorFacts gather_doctor_facts(std::vector<Finding> &findings, bool verbose);

// Adds the subcommand.
CLI::App *define_doctor(CLI::App &app, DoctorOptions &options);

// Returns the exit code.
int run_doctor(const DoctorOptions &options, const CommandContext &context);

} // namespace redline::cli
