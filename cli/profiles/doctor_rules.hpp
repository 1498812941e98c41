// What redline doctor looks for, as pure functions over plain facts gathered elsewhere, so
// each rule is tested without a home directory, a service file or a server.
#pragma once

#include "profiles/connection_facts.hpp"
#include "profiles/pgpass.hpp"
#include "terminal/palette.hpp"

#include <map>
#include <string>
#include <vector>

namespace redline::cli {

enum class Severity { error, warning };

struct Finding {
    Severity severity = Severity::warning;
    std::string code; // stable name of the rule: "shared-server", "key-file"...
    std::string what; // what is wrong, naming the profiles or files
    std::string todo; // what to do about it
};

// Rule 9: profiles of different environments must not share a service, a server (host and
// port), a user or a password. Profiles whose connection could not be resolved are left out
// (check_unresolved reports them), and so is a value that only a PG* variable supplies to
// all of them (check_environment_variables reports that).
std::vector<Finding> check_shared_connections(const std::vector<ConnectionFacts> &profiles);

// The line of each profile's password file that libpq would take the password from; one
// line serving profiles of different environments gives them the same password. Keyed by
// the password file's path, as ConnectionFacts::passfile names it.
std::vector<Finding> check_password_files(const std::vector<ConnectionFacts> &profiles,
                                          const std::map<std::string, std::vector<PgpassLine>> &password_files);

// PGPASSWORD whenever production profiles exist; PGHOST, PGHOSTADDR, PGPORT, PGUSER and
// PGSERVICE when they supply a value to profiles of more than one environment.
std::vector<Finding> check_environment_variables(const std::vector<ConnectionFacts> &profiles,
                                                 const LibpqEnvironment &env);

// A production profile whose person check is none (error) or typed (warning).
std::vector<Finding> check_auth_methods(const std::vector<ConnectionFacts> &profiles);

// Profiles that would not connect as written (an unknown service, a bad DSN).
std::vector<Finding> check_unresolved(const std::vector<ConnectionFacts> &profiles);

enum class FileRole { config_directory, config_file, keys_directory, secret_key, password_file };
enum class FileKind { missing, regular, directory, other };

struct FileFacts {
    std::string path;
    FileRole role = FileRole::secret_key;
    FileKind kind = FileKind::missing;
    unsigned mode = 0; // permission bits (07777)
    unsigned uid = 0;  // owner
};

// Secret keys and the keys directory readable by others or not owned by `uid`, config.toml
// not 0600, a password file libpq would ignore for its mode. Missing files are fine.
std::vector<Finding> check_file_modes(const std::vector<FileFacts> &files, unsigned uid);

struct DoctorFacts {
    std::vector<ConnectionFacts> profiles;
    std::map<std::string, std::vector<PgpassLine>> password_files;
    LibpqEnvironment env;
    std::vector<FileFacts> files;
    unsigned uid = 0;
};

// Every rule, errors first, each group in the order of the rules above.
std::vector<Finding> run_doctor_rules(const DoctorFacts &facts);

bool has_errors(const std::vector<Finding> &findings);

// "error[shared-server]: what; todo", the severity in its colour, no newline.
std::string format_finding(const Finding &finding, const Palette &palette);

} // namespace redline::cli
