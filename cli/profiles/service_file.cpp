// Reads pg_service.conf with the leniency of libpq's parseServiceFile where it is lenient
// and its strictness where it is strict, so a profile resolves here as it would connect.
#include "profiles/service_file.hpp"

#include <cctype>

namespace redline::cli {

namespace {

bool blank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

} // namespace

std::string ServiceSection::value(std::string_view keyword) const
{
    for (const auto &[key, value] : settings)
        if (key == keyword)
            return value;
    return "";
}

ServiceFile parse_service_file(std::string path, std::string_view text)
{
    ServiceFile file;
    file.path = std::move(path);
    ServiceSection *current = nullptr;
    int number = 0;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++number;
        while (!line.empty() && blank(line.back()))
            line.remove_suffix(1);
        while (!line.empty() && blank(line.front()))
            line.remove_prefix(1);
        if (line.empty() || line.front() == '#')
            continue;
        if (line.front() == '[') {
            std::size_t close = line.find(']');
            if (close == std::string_view::npos) {
                current = nullptr;
                continue;
            }
            file.sections.push_back(ServiceSection{std::string(line.substr(1, close - 1)), number, {}});
            current = &file.sections.back();
            continue;
        }
        std::size_t eq = line.find('=');
        if (current == nullptr || eq == std::string_view::npos)
            continue;
        current->settings.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
    return file;
}

FoundService find_service(const std::vector<ServiceFile> &files, std::string_view name)
{
    for (const ServiceFile &file : files)
        for (const ServiceSection &section : file.sections)
            if (section.name == name)
                return {&file, &section};
    return {};
}

} // namespace redline::cli
