// Line formats of the keys and spent-token files. A line that does not parse is never
// half-read: the caller skips it and says so in the server log.
#include "store_format.hpp"

#include <charconv>
#include <openssl/sha.h>
#include <vector>

namespace redline::store {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

std::string escape(std::string_view text)
{
    std::string out;
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f || c == '%') {
            out += '%';
            out += hex_digits[c >> 4];
            out += hex_digits[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

std::optional<std::string> unescape(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '%') {
            out += c;
            continue;
        }
        if (i + 2 >= text.size())
            return std::nullopt;
        int hi = hex_value(text[i + 1]);
        int lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::vector<std::string_view> split_tabs(std::string_view line)
{
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        std::size_t tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos)
            return fields;
        start = tab + 1;
    }
}

std::optional<std::int64_t> parse_int(std::string_view text)
{
    std::int64_t value = 0;
    if (text.empty())
        return std::nullopt;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0)
        return std::nullopt;
    return value;
}

bool plain(std::string_view text)
{
    if (text.empty())
        return false;
    for (unsigned char c : text)
        if (c <= 0x20 || c == 0x7f)
            return false;
    return true;
}

} // namespace

std::string format_key(const KeyRecord &r)
{
    return r.kid + '\t' + escape(r.role) + '\t' + r.key + '\t' + std::to_string(r.created) + '\t' +
           std::to_string(r.revoked) + '\t' + escape(r.label);
}

std::optional<KeyRecord> parse_key(std::string_view line)
{
    auto fields = split_tabs(line);
    if (fields.size() != 6)
        return std::nullopt;
    KeyRecord r;
    auto role = unescape(fields[1]);
    auto created = parse_int(fields[3]);
    auto revoked = parse_int(fields[4]);
    auto label = unescape(fields[5]);
    if (!plain(fields[0]) || !role || role->empty() || !plain(fields[2]) || !created || !revoked || !label)
        return std::nullopt;
    r.kid = std::string(fields[0]);
    r.role = *role;
    r.key = std::string(fields[2]);
    r.created = *created;
    r.revoked = *revoked;
    r.label = *label;
    return r;
}

TokenDigest digest_jti(std::string_view jti) noexcept
{
    unsigned char full[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(jti.data()), jti.size(), full);
    TokenDigest out{};
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = full[i];
    return out;
}

std::string format_spent(const SpentToken &spent)
{
    std::string out;
    for (unsigned char b : spent.digest) {
        out += hex_digits[b >> 4];
        out += hex_digits[b & 0xf];
    }
    out += ' ';
    out += std::to_string(spent.expires);
    return out;
}

std::optional<SpentToken> parse_spent(std::string_view line)
{
    SpentToken spent;
    if (line.size() < 34 || line[32] != ' ')
        return std::nullopt;
    for (std::size_t i = 0; i < spent.digest.size(); ++i) {
        int hi = hex_value(line[2 * i]);
        int lo = hex_value(line[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        spent.digest[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    auto expires = parse_int(line.substr(33));
    if (!expires)
        return std::nullopt;
    spent.expires = *expires;
    return spent;
}

} // namespace redline::store

#include "store_lines.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <cstring>

namespace redline::store {

namespace {
bool put(const std::string &value, char *buf, std::size_t cap)
{
    if (value.size() + 1 > cap)
        return false;
    std::memcpy(buf, value.c_str(), value.size() + 1);
    return true;
}

std::size_t put_line(const std::string &line, char *buf, std::size_t cap)
{
    if (line.size() + 2 > cap)
        return 0;
    std::memcpy(buf, line.data(), line.size());
    buf[line.size()] = '\n';
    buf[line.size() + 1] = '\0';
    return line.size() + 1;
}

std::string_view chomp(const char *line)
{
    std::string_view text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}
} // namespace

bool read_key_line(const char *line, const KeyFields &out) noexcept
{
    try {
        auto record = parse_key(chomp(line));
        if (!record)
            return false;
        if (!put(record->kid, out.kid, out.kid_size) || !put(record->role, out.role, out.role_size) ||
            !put(record->key, out.paserk, out.paserk_size) || !put(record->label, out.label, out.label_size))
            return false;
        *out.created = record->created;
        *out.revoked = record->revoked;
        return true;
    } catch (...) {
        return false;
    }
}

std::size_t write_key_line(const char *kid, const char *role, const char *paserk, const char *label,
                           std::int64_t created, std::int64_t revoked, char *buf, std::size_t cap) noexcept
{
    try {
        return put_line(format_key(KeyRecord{kid, role, paserk, label, created, revoked}), buf, cap);
    } catch (...) {
        return 0;
    }
}

bool read_spent_line(const char *line, unsigned char digest[16], std::int64_t *expires) noexcept
{
    try {
        auto spent = parse_spent(chomp(line));
        if (!spent)
            return false;
        std::memcpy(digest, spent->digest.data(), spent->digest.size());
        *expires = spent->expires;
        return true;
    } catch (...) {
        return false;
    }
}

std::size_t write_spent_line(const unsigned char digest[16], std::int64_t expires, char *buf, std::size_t cap) noexcept
{
    try {
        SpentToken spent;
        std::memcpy(spent.digest.data(), digest, spent.digest.size());
        spent.expires = expires;
        return put_line(format_spent(spent), buf, cap);
    } catch (...) {
        return 0;
    }
}

} // namespace redline::store
