// libpam with a conversation on the terminal (/dev/tty), never stdin: prompts a module makes
// (a PIN, "Password: ") are read there with echo off when the module asks for it, and what
// it says ("Place your finger on the reader") is written there. Nothing is cached.
#include "presence/pam.hpp"
#include "presence/pam_service.hpp"
#include "profiles/key_files.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <openssl/crypto.h>

#include <security/pam_appl.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <pwd.h>
#include <stdexcept>
#include <termios.h>
#include <unistd.h>

namespace redline::cli {

namespace {

// Linux-PAM's own limits on one conversation and one answer.
constexpr int max_messages = 32;
constexpr std::size_t max_answer = 512;

// A terminal with echo switched off while a secret is typed, and switched back on however
// the prompt ends: returning, or a signal that would otherwise leave the terminal silent.
struct termios saved_mode;
volatile std::sig_atomic_t silenced_fd = -1;
constexpr std::array<int, 4> ending_signals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restore_echo_and_end(int signal)
{
    if (silenced_fd >= 0)
        ::tcsetattr(silenced_fd, TCSANOW, &saved_mode);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

class EchoOff {
public:
    explicit EchoOff(int fd)
    {
        if (::tcgetattr(fd, &saved_mode) != 0)
            return;
        for (std::size_t i = 0; i < ending_signals.size(); ++i) {
            struct sigaction current {};
            ::sigaction(ending_signals[i], nullptr, &current);
            // A signal the process ignores stays ignored; one with a handler keeps it.
            if (current.sa_handler != SIG_DFL)
                continue;
            struct sigaction restore {};
            restore.sa_handler = restore_echo_and_end;
            sigemptyset(&restore.sa_mask);
            installed_[i] = ::sigaction(ending_signals[i], &restore, nullptr) == 0;
        }
        silenced_fd = fd;
        struct termios quiet = saved_mode;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL; // Enter still moves to the next line
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
        fd_ = fd;
    }
    ~EchoOff()
    {
        if (fd_ < 0)
            return;
        ::tcsetattr(fd_, TCSANOW, &saved_mode);
        silenced_fd = -1;
        for (std::size_t i = 0; i < ending_signals.size(); ++i)
            if (installed_[i])
                std::signal(ending_signals[i], SIG_DFL);
    }
    EchoOff(const EchoOff &) = delete;
    EchoOff &operator=(const EchoOff &) = delete;

private:
    int fd_ = -1;
    std::array<bool, ending_signals.size()> installed_{};
};

// One line from the terminal into `buffer`, without its end. False at end of input, on an
// error, or for a line longer than max_answer (read to its end, then refused).
bool read_answer(int fd, std::array<char, max_answer + 1> &buffer)
{
    std::size_t length = 0;
    bool too_long = false;
    for (;;) {
        char c;
        ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        if (c == '\n')
            break;
        if (length < max_answer)
            buffer[length++] = c;
        else
            too_long = true;
    }
    if (length > 0 && buffer[length - 1] == '\r')
        --length;
    buffer[length] = '\0';
    return !too_long;
}

struct Conversation {
    int tty = -1; // -1: no terminal; messages go to stderr and prompts fail
    const Palette *palette = nullptr;
    bool wanted_terminal = false;
};

// The answer to one prompt, allocated with malloc as libpam frees it; nullptr on failure.
char *ask(Conversation &conversation, const char *prompt, bool echo)
{
    if (conversation.tty < 0) {
        conversation.wanted_terminal = true;
        return nullptr;
    }
    std::array<char, max_answer + 1> buffer{};
    bool answered;
    {
        // Echo goes off before the prompt shows, so nothing typed in answer to it is echoed.
        std::optional<EchoOff> silence;
        if (!echo)
            silence.emplace(conversation.tty);
        // A terminal that went away fails the read that follows, so the write is not checked.
        write_all(conversation.tty, prompt != nullptr ? prompt : "");
        answered = read_answer(conversation.tty, buffer);
    }
    char *answer = answered ? ::strdup(buffer.data()) : nullptr;
    OPENSSL_cleanse(buffer.data(), buffer.size());
    return answer;
}

void say(const Conversation &conversation, const char *message, const fmt::text_style &style)
{
    std::string text = message != nullptr ? message : "";
    if (text.empty() || text.back() != '\n')
        text += '\n';
    write_all(conversation.tty >= 0 ? conversation.tty : STDERR_FILENO, fmt::format(style, "{}", text));
}

void forget(pam_response *answers, int count)
{
    for (int i = 0; i < count; ++i)
        if (answers[i].resp != nullptr) {
            OPENSSL_cleanse(answers[i].resp, std::strlen(answers[i].resp));
            std::free(answers[i].resp);
        }
    std::free(answers);
}

// Called by libpam, which is C: nothing may be thrown through it.
extern "C" int converse(int count, const struct pam_message **messages, struct pam_response **responses, void *data)
{
    *responses = nullptr;
    if (count <= 0 || count > max_messages)
        return PAM_CONV_ERR;
    auto &conversation = *static_cast<Conversation *>(data);
    auto *answers = static_cast<pam_response *>(std::calloc(static_cast<std::size_t>(count), sizeof(pam_response)));
    if (answers == nullptr)
        return PAM_BUF_ERR;
    bool ok = true;
    try {
        // Linux-PAM and OpenPAM both pass an array of pointers, one per message.
        for (int i = 0; ok && i < count; ++i) {
            const pam_message &message = *messages[i];
            switch (message.msg_style) {
            case PAM_PROMPT_ECHO_OFF:
            case PAM_PROMPT_ECHO_ON:
                answers[i].resp = ask(conversation, message.msg, message.msg_style == PAM_PROMPT_ECHO_ON);
                ok = answers[i].resp != nullptr;
                break;
            case PAM_ERROR_MSG:
                say(conversation, message.msg, conversation.palette->warning);
                break;
            case PAM_TEXT_INFO:
                say(conversation, message.msg, {});
                break;
            default:
                ok = false; // binary prompts and anything newer: not a conversation redline has
                break;
            }
        }
    } catch (...) {
        ok = false;
    }
    if (!ok) {
        forget(answers, count);
        return PAM_CONV_ERR;
    }
    *responses = answers;
    return PAM_SUCCESS;
}

// pam_end on every path, with the status of the last call as libpam asks.
struct PamHandle {
    pam_handle_t *handle = nullptr;
    int status = PAM_SUCCESS;
    PamHandle() = default;
    PamHandle(const PamHandle &) = delete;
    PamHandle &operator=(const PamHandle &) = delete;
    ~PamHandle()
    {
        if (handle != nullptr)
            ::pam_end(handle, status);
    }
};

struct Terminal {
    int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    Terminal() = default;
    Terminal(const Terminal &) = delete;
    Terminal &operator=(const Terminal &) = delete;
    ~Terminal()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

std::string current_user()
{
    const struct passwd *pw = ::getpwuid(::getuid());
    if (pw == nullptr || pw->pw_name == nullptr)
        throw PresenceRefused(
            exit_not_confirmed,
            fmt::format("cannot tell which user runs redline (uid {}): nothing was signed", ::getuid()));
    return pw->pw_name;
}

std::filesystem::path configured_file(const std::string &service)
{
    std::vector<std::filesystem::path> directories = pam_service_directories();
    auto file = pam_service_file(directories, service);
    if (!file)
        throw PresenceRefused(
            exit_method_unavailable,
            fmt::format("PAM service \"{}\" is not configured: there is no {}; create it (pam_fprintd.so "
                        "for a fingerprint, pam_u2f.so for a security key) or use --auth typed; "
                        "nothing was signed",
                        service, (directories.front() / service).string()));
    return *file;
}

std::vector<PamModuleLine> auth_stack(const std::string &service, const std::filesystem::path &file)
{
    try {
        return read_pam_auth_stack(pam_service_directories(), file);
    } catch (const std::runtime_error &e) {
        throw PresenceRefused(exit_method_unavailable,
                              fmt::format("PAM service \"{}\": {}; nothing was signed", service, e.what()));
    }
}

// The terminal's name for modules that look at PAM_TTY (pam_fprintd, howdy tell a local
// console from a remote one by it): the one redline was started on, if any.
const char *terminal_name(int tty)
{
    for (int fd : {STDIN_FILENO, STDERR_FILENO, tty})
        if (fd >= 0 && ::isatty(fd))
            if (const char *name = ::ttyname(fd); name != nullptr)
                return name;
    return nullptr;
}

} // namespace

void require_pam_service(const std::string &service) { auth_stack(service, configured_file(service)); }

std::vector<std::string> prove_by_pam(const PresenceRequest &request, const Palette &palette)
{
    std::string service = request.pam_service.empty() ? "redline" : request.pam_service;
    std::filesystem::path file = configured_file(service);
    // What the token will record is settled before anyone is asked: a configuration that
    // cannot be read refuses without making the person touch anything.
    std::vector<PamModuleLine> stack = auth_stack(service, file);
    std::vector<std::string> amr = request.pam_amr.empty() ? amr_for_pam_stack(stack) : request.pam_amr;
    std::string user = current_user();

    Terminal terminal;
    Conversation conversation;
    conversation.tty = terminal.fd;
    conversation.palette = &palette;
    if (terminal.fd >= 0) {
        auto env = parse_environment(request.environment);
        std::string where = fmt::format(env ? palette.environment(*env) : fmt::text_style{}, "{}", request.environment);
        write_all(terminal.fd,
                  fmt::format("redline: {} on {}: confirm it is you ({}) through PAM service \"{}\"\n",
                              request.purpose.empty() ? "a token" : request.purpose, where, user, service));
    }

    struct pam_conv conv {};
    conv.conv = converse;
    conv.appdata_ptr = &conversation;
    PamHandle pam;
    pam.status = ::pam_start(service.c_str(), user.c_str(), &conv, &pam.handle);
    auto refuse = [&](const char *what) {
        std::string reason = ::pam_strerror(pam.handle, pam.status);
        if (conversation.wanted_terminal)
            return PresenceRefused(exit_not_confirmed,
                                   fmt::format("PAM service \"{}\" needs a terminal to ask on (/dev/tty): nothing was "
                                               "signed; run redline from a terminal",
                                               service));
        return PresenceRefused(exit_not_confirmed,
                               fmt::format("PAM service \"{}\" {} {} ({}): nothing was signed; try again, or check {}",
                                           service, what, user, reason, file.string()));
    };
    if (pam.status != PAM_SUCCESS)
        throw refuse("could not start for");
    if (const char *name = terminal_name(terminal.fd); name != nullptr)
        ::pam_set_item(pam.handle, PAM_TTY, name);
    pam.status = ::pam_authenticate(pam.handle, PAM_DISALLOW_NULL_AUTHTOK);
    if (pam.status != PAM_SUCCESS)
        throw refuse("did not confirm");
    pam.status = ::pam_acct_mgmt(pam.handle, PAM_DISALLOW_NULL_AUTHTOK);
    if (pam.status != PAM_SUCCESS)
        throw refuse("confirmed but refused the account of");
    return amr;
}

} // namespace redline::cli
