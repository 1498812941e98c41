// Where a profile would connect and as whom, worked out without connecting: the profile's
// DSN or service, then the service file, then the PG* environment variables, then libpq's
// defaults, in libpq's order. Each value remembers where it came from, for doctor's messages.
#pragma once

#include "profiles/profile.hpp"
#include "profiles/service_file.hpp"

#include <map>
#include <string>
#include <vector>

namespace redline::cli {

// The process environment as libpq sees it, gathered once so the rules stay pure.
struct LibpqEnvironment {
    std::map<std::string, std::string> variables; // the PG* variables that are set and not empty
    std::string os_user;                          // libpq's default user
    std::string home;                             // for ~/.pgpass

    // The value of `name`, or "" when it is not set.
    std::string get(const std::string &name) const;
};

// A value and where it came from: "DSN", "service prod (/home/a/.pg_service.conf)",
// "PGUSER", "default". An empty value with an empty source means nothing sets it.
struct Sourced {
    std::string value;
    std::string source;
};

struct Endpoint {
    Sourced host; // "" for libpq's default, the local Unix socket
    Sourced port;
};

struct ConnectionFacts {
    std::string profile;
    Environment environment = Environment::production;
    AuthMethod auth = AuthMethod::pam;
    Sourced service;
    std::vector<Endpoint> endpoints; // one per host of a comma-separated list
    Sourced user;
    Sourced database;
    Sourced passfile;    // the password file libpq would read
    Sourced password;    // where a password is given outright (value never kept): PGPASSWORD, a service
    std::string problem; // why the profile cannot resolve ("" when it does): a service no file defines
};

// libpq's environment variable for each connection keyword redline looks at.
const std::map<std::string, std::string> &libpq_variables();

// Resolves `profile` against the service files (in libpq's lookup order) and `env`. Never
// throws for a bad profile: what stops it resolving is reported in `problem`.
ConnectionFacts resolve_connection(const Profile &profile, const std::vector<ServiceFile> &service_files,
                                   const LibpqEnvironment &env);

// The host libpq matches .pgpass lines against: "localhost" for the default socket.
std::string pgpass_host(const Endpoint &endpoint);

} // namespace redline::cli
