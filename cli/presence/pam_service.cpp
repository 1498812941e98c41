// Reads a PAM service's auth stack the way libpam does (comments, continued lines, brackets,
// includes) and says what passing it proves. Only reading: libpam itself runs the stack.
#include "presence/pam_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace redline::cli {

namespace {

namespace fs = std::filesystem;

// Linux-PAM refuses substacks nested deeper than this; a loop of includes reaches it too.
constexpr int max_include_depth = 16;

// Which methods count as weaker when a stack leaves the person a choice.
int strength(const std::vector<std::string> &amr)
{
    if (std::find(amr.begin(), amr.end(), "pwd") != amr.end())
        return 0;
    if (std::find(amr.begin(), amr.end(), "otp") != amr.end())
        return 1;
    return 2;
}

std::string lowercase(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Whitespace-separated words, where a word opening with '[' runs to its ']' (controls like
// "[success=1 default=ignore]" and bracketed module arguments hold spaces).
std::vector<std::string> words_of(const std::string &line)
{
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])))
            ++i;
        if (i == line.size())
            break;
        std::size_t end = i;
        if (line[i] == '[') {
            end = line.find(']', i);
            end = end == std::string::npos ? line.size() : end + 1;
        }
        while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end])))
            ++end;
        words.push_back(line.substr(i, end - i));
        i = end;
    }
    return words;
}

// The logical lines of a file: '#' starts a comment, a '\' at the end continues a line.
std::vector<std::string> logical_lines(const fs::path &file)
{
    std::ifstream in(file);
    if (!in)
        throw std::runtime_error(fmt::format("cannot read the PAM configuration {}", file.string()));
    std::vector<std::string> lines;
    std::string line, pending;
    while (std::getline(in, line)) {
        if (auto hash = line.find('#'); hash != std::string::npos)
            line.erase(hash);
        if (!line.empty() && line.back() == '\\') {
            line.back() = ' ';
            pending += line;
            continue;
        }
        lines.push_back(pending + line);
        pending.clear();
    }
    if (!pending.empty())
        lines.push_back(pending);
    if (in.bad())
        throw std::runtime_error(fmt::format("cannot read the PAM configuration {}", file.string()));
    return lines;
}

std::optional<fs::path> find_file(const std::vector<fs::path> &directories, const std::string &name)
{
    std::error_code ec;
    if (!name.empty() && name.front() == '/')
        return fs::is_regular_file(name, ec) ? std::optional<fs::path>(name) : std::nullopt;
    for (const fs::path &directory : directories) {
        fs::path candidate = directory / name;
        if (fs::is_regular_file(candidate, ec))
            return candidate;
    }
    return std::nullopt;
}

void append_auth_lines(const std::vector<fs::path> &directories, const fs::path &file, int depth,
                       std::vector<PamModuleLine> &stack)
{
    if (depth > max_include_depth)
        throw std::runtime_error(
            fmt::format("the PAM configuration {} nests includes more than {} deep", file.string(), max_include_depth));
    auto include = [&](const std::string &name) {
        auto found = find_file(directories, name);
        if (!found)
            throw std::runtime_error(
                fmt::format("the PAM configuration {} includes {}, which does not exist", file.string(), name));
        append_auth_lines(directories, *found, depth + 1, stack);
    };
    for (const std::string &line : logical_lines(file)) {
        std::vector<std::string> words = words_of(line);
        if (words.empty())
            continue;
        if (words[0] == "@include") {
            if (words.size() > 1)
                include(words[1]);
            continue;
        }
        std::string type = lowercase(words[0]);
        bool optional_module = !type.empty() && type.front() == '-';
        if (optional_module)
            type.erase(0, 1);
        if (type != "auth" || words.size() < 3)
            continue;
        std::string control = lowercase(words[1]);
        if (control == "include" || control == "substack") {
            include(words[2]);
            continue;
        }
        stack.push_back(PamModuleLine{control, words[2], {words.begin() + 3, words.end()}, optional_module});
    }
}

// "pam_fprintd" for "pam_fprintd.so" and "/usr/lib/x86_64-linux-gnu/security/pam_fprintd.so".
std::string module_name(const std::string &module)
{
    std::string name = fs::path(module).filename().string();
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".so") == 0)
        name.erase(name.size() - 3);
    return name;
}

bool has_argument(const PamModuleLine &line, std::string_view argument)
{
    return std::find(line.arguments.begin(), line.arguments.end(), argument) != line.arguments.end();
}

} // namespace

std::vector<fs::path> pam_service_directories()
{
    const char *wrapper = std::getenv("PAM_WRAPPER");
    const char *wrapper_dir = std::getenv("PAM_WRAPPER_SERVICE_DIR");
    if (wrapper != nullptr && std::string_view(wrapper) == "1" && wrapper_dir != nullptr && *wrapper_dir != '\0')
        return {fs::path(wrapper_dir)};
    return {fs::path("/etc/pam.d"), fs::path("/usr/lib/pam.d")};
}

std::optional<fs::path> pam_service_file(const std::vector<fs::path> &directories, std::string_view service)
{
    // A service name is a file name; a path would let "../x" reach outside the directories.
    if (service.empty() || service.find('/') != std::string_view::npos)
        return std::nullopt;
    return find_file(directories, std::string(service));
}

std::vector<PamModuleLine> read_pam_auth_stack(const std::vector<fs::path> &directories, const fs::path &file)
{
    std::vector<PamModuleLine> stack;
    append_auth_lines(directories, file, 0, stack);
    return stack;
}

std::vector<std::string> amr_for_pam_module(const PamModuleLine &line)
{
    std::string name = module_name(line.module);
    if (name == "pam_fprintd")
        return {"fpt"};
    if (name == "pam_u2f") {
        // pam_u2f asks for a touch unless told not to, and for the key's PIN only when told to.
        std::vector<std::string> amr{"hwk"};
        if (!has_argument(line, "userpresence=0"))
            amr.push_back("user");
        if (has_argument(line, "pinverification=1"))
            amr.push_back("pin");
        return amr;
    }
    // Howdy: its own module (version 3), or its Python script under pam_python (version 2).
    if (name == "pam_howdy")
        return {"face"};
    if (name == "pam_python" && std::any_of(line.arguments.begin(), line.arguments.end(),
                                            [](const std::string &a) { return a.find("howdy") != std::string::npos; }))
        return {"face"};
    static constexpr std::array<std::string_view, 8> password_modules{
        "pam_unix", "pam_unix2", "pam_sss", "pam_ldap", "pam_krb5", "pam_winbind", "pam_pwdfile", "pam_userdb"};
    if (std::find(password_modules.begin(), password_modules.end(), name) != password_modules.end())
        return {"pwd"};
    if (name == "pam_google_authenticator" || name == "pam_oath")
        return {"otp"};
    return {};
}

std::vector<std::string> amr_for_pam_stack(const std::vector<PamModuleLine> &stack)
{
    std::vector<std::string> all;
    std::vector<std::string> weakest;
    bool every_one_required = true;
    for (const PamModuleLine &line : stack) {
        std::vector<std::string> amr = amr_for_pam_module(line);
        if (amr.empty())
            continue;
        bool required = !line.optional_module && (line.control == "required" || line.control == "requisite");
        every_one_required = every_one_required && required;
        if (weakest.empty() || strength(amr) < strength(weakest))
            weakest = amr;
        for (const std::string &method : amr)
            if (std::find(all.begin(), all.end(), method) == all.end())
                all.push_back(method);
    }
    if (all.empty())
        return {"fpt"};
    return every_one_required ? all : weakest;
}

bool is_registered_amr(std::string_view value)
{
    static constexpr std::array<std::string_view, 21> registered{"face", "fpt", "geo", "hwk", "iris", "kba", "mca",
                                                                 "mfa",  "otp", "pin", "pop", "pwd",  "rba", "retina",
                                                                 "sc",   "sms", "swk", "tel", "user", "vbm", "wia"};
    return std::find(registered.begin(), registered.end(), value) != registered.end();
}

} // namespace redline::cli
