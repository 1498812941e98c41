// Builds psql's command line and environment, and finds psql.
#include "terminal/psql_command.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>
#include <unistd.h>

namespace redline::cli {

namespace {

bool executable(const std::string &file) { return ::access(file.c_str(), X_OK) == 0; }

} // namespace

std::string find_psql(const char *pg_bin, const char *path)
{
    if (pg_bin != nullptr && *pg_bin != '\0') {
        std::string psql = std::string(pg_bin) + "/psql";
        if (!executable(psql))
            throw std::runtime_error(fmt::format(
                "PG_BIN is {}, but there is no psql to run there: point PG_BIN at the bin directory of a PostgreSQL "
                "client (pg_config --bindir), or unset it to use the psql on PATH",
                pg_bin));
        return psql;
    }
    std::string_view dirs = path != nullptr ? path : "";
    while (true) {
        std::size_t colon = dirs.find(':');
        std::string_view dir = dirs.substr(0, colon);
        // An empty PATH entry is the current directory, as for the shell.
        std::string psql = fmt::format("{}/psql", dir.empty() ? "." : dir);
        if (executable(psql))
            return psql;
        if (colon == std::string_view::npos)
            break;
        dirs.remove_prefix(colon + 1);
    }
    throw std::runtime_error("psql is not on PATH: install the PostgreSQL client (Debian: apt install "
                             "postgresql-client) or set PG_BIN to the directory that holds psql");
}

std::vector<std::string> psql_arguments(const std::string &program, const std::string &conninfo, const PaintPlan &plan,
                                        const std::vector<std::string> &extra)
{
    std::vector<std::string> argv{program, "--dbname=" + conninfo};
    if (plan.autocommit_off)
        argv.insert(argv.end(), {"-v", "AUTOCOMMIT=off"});
    if (!plan.prompt1.empty())
        argv.insert(argv.end(), {"-v", "PROMPT1=" + plan.prompt1});
    if (!plan.prompt2.empty())
        argv.insert(argv.end(), {"-v", "PROMPT2=" + plan.prompt2});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

std::string pgoptions_with_token(const char *existing, const std::string &token)
{
    std::string option = "-c redline.session_token=" + token;
    if (existing == nullptr || *existing == '\0')
        return option;
    return fmt::format("{} {}", existing, option);
}

std::vector<std::string> with_pgoptions(const char *const *environment, const std::string &pgoptions)
{
    std::vector<std::string> out;
    for (const char *const *entry = environment; entry != nullptr && *entry != nullptr; ++entry)
        if (std::string_view(*entry).rfind("PGOPTIONS=", 0) != 0)
            out.emplace_back(*entry);
    out.push_back("PGOPTIONS=" + pgoptions);
    return out;
}

} // namespace redline::cli
