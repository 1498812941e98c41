// Generates the key, writes the secret half (0600) and the public half next to it, and tells
// the person the one statement a redline_admin runs to enroll it. stdout carries only the
// k4.public, so scripts can capture it.
#include "commands/keygen.hpp"
#include "profiles/key_files.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <keys.hpp>
#include <paserk.hpp>

#include <cstdio>
#include <stdexcept>
#include <unistd.h>

namespace redline::cli {

CLI::App *define_keygen(CLI::App &app, KeygenOptions &options)
{
    CLI::App *sub = app.add_subcommand("keygen", "Create a signing key (Ed25519) for this machine and print its "
                                                 "public half (PASERK k4.public) to enroll on the server");
    sub->add_option("--label", options.label,
                    "Name of the key: the file name, and the label to enroll it with (default: host name)")
        ->check([](const std::string &v) {
            return valid_label(v) ? std::string() : std::string("letters, digits, '.', '_' and '-', at most 64");
        });
    return sub;
}

int run_keygen(const KeygenOptions &options, const CommandContext &)
{
    std::string label = options.label.empty() ? default_key_label() : options.label;
    std::filesystem::path dir = keys_directory();

    auto pair = token::generate_keypair();
    if (!pair)
        throw std::runtime_error("the system's random generator failed: no key was written");
    auto secret = token::paserk_secret(pair->secret);
    auto public_key = token::paserk_public(pair->public_key);
    auto key_id = token::paserk_pid(pair->public_key);
    if (!secret || !public_key || !key_id)
        throw std::runtime_error("cannot encode the key: no key was written");

    std::filesystem::path secret_path = dir / (label + ".k4.secret");
    std::filesystem::path public_path = dir / (label + ".k4.public");
    write_new_file(secret_path, *secret + "\n", 0600);
    try {
        write_new_file(public_path, *public_key + "\n", 0644);
    } catch (...) {
        ::unlink(secret_path.c_str());
        throw;
    }

    std::fputs(fmt::format("{}\n", *public_key).c_str(), stdout);
    std::fputs(fmt::format("redline: new key \"{}\", key id {}\n"
                           "  secret key: {} (mode 0600: never copy or share it)\n"
                           "  enroll it (as a redline_admin): SELECT redline.enroll_key('<your role>', '{}', '{}');\n",
                           label, *key_id, secret_path.string(), *public_key, label)
                   .c_str(),
               stderr);
    return 0;
}

} // namespace redline::cli
