// What a PAM service proves about the person, read from its configuration: the token's amr
// must say fingerprint only when the service asks for a finger, and password when it may.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline::cli {

// One module line of an auth stack, as written: "required", "sufficient" or a
// "[success=1 default=ignore]" bracket; the module as named (pam_fprintd.so or a path).
struct PamModuleLine {
    std::string control;
    std::string module;
    std::vector<std::string> arguments;
    bool optional_module = false; // "-auth": skipped when the module is not installed
};

// The directories libpam reads service files from, in its order: /etc/pam.d, then
// /usr/lib/pam.d; only $PAM_WRAPPER_SERVICE_DIR when pam_wrapper is enabled (PAM_WRAPPER=1),
// as it then is for libpam itself.
std::vector<std::filesystem::path> pam_service_directories();

// The file that configures `service`: the first of `directories` that has one. nullopt when
// none has, and libpam would fall back to its "other" service.
std::optional<std::filesystem::path> pam_service_file(const std::vector<std::filesystem::path> &directories,
                                                      std::string_view service);

// The auth lines of a service file, with @include, include and substack followed (names
// looked up in `directories`), in the order libpam runs them. Throws std::runtime_error
// naming the file when one cannot be read, an include is missing or includes nest too deep.
std::vector<PamModuleLine> read_pam_auth_stack(const std::vector<std::filesystem::path> &directories,
                                               const std::filesystem::path &file);

// The RFC 8176 methods one module proves on its own: pam_fprintd "fpt", pam_u2f "hwk" and
// "user" (unless userpresence=0; "pin" with pinverification=1), howdy "face", password
// modules (pam_unix, pam_sss, ...) "pwd", one-time codes "otp". Empty for anything else.
std::vector<std::string> amr_for_pam_module(const PamModuleLine &line);

// The methods a passed auth stack proves. When every module that proves something is
// required or requisite, the person passed them all: all their methods. When any is an
// alternative (sufficient, optional, a [success=...] jump, "-auth"), the person may have
// passed through the weakest one alone: its methods only, so that fingerprint-or-password
// records "pwd". A stack where no module is known proves what the configured default says:
// "fpt", the method a redline service is meant to ask for.
std::vector<std::string> amr_for_pam_stack(const std::vector<PamModuleLine> &stack);

// RFC 8176's registered amr values, for checking one given on the command line.
bool is_registered_amr(std::string_view value);

} // namespace redline::cli
