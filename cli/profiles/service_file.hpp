// pg_service.conf as libpq reads it: [name] sections of keyword=value lines. libpq looks in
// the user's file first (PGSERVICEFILE or ~/.pg_service.conf), then the system-wide one
// (PGSYSCONFDIR/pg_service.conf), and takes a service from the first file that defines it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace redline::cli {

struct ServiceSection {
    std::string name;
    int line = 0; // of the [name] header, 1-based
    std::vector<std::pair<std::string, std::string>> settings;

    // The value of `keyword` in this section, or "" when it sets none.
    std::string value(std::string_view keyword) const;
};

struct ServiceFile {
    std::string path;
    std::vector<ServiceSection> sections;
};

// The sections of `text`. Leading blanks and trailing white space are ignored, '#' starts a
// comment line, and a keyword is everything before the first '=' (libpq trims nothing
// around it either). Lines before the first section and lines without '=' are skipped.
ServiceFile parse_service_file(std::string path, std::string_view text);

struct FoundService {
    const ServiceFile *file = nullptr;
    const ServiceSection *section = nullptr;
};

// The section libpq would use for service `name`: the first with that name in the first
// file (in lookup order) that has one. {nullptr, nullptr} when none defines it.
FoundService find_service(const std::vector<ServiceFile> &files, std::string_view name);

} // namespace redline::cli
