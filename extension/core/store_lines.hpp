// Plain-data bridges between the cluster store (PostgreSQL side) and the line formats
// (C++ side): no C++ object crosses, no exception escapes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace redline::store {

struct KeyFields {
    char *kid;
    std::size_t kid_size;
    char *role;
    std::size_t role_size;
    char *paserk;
    std::size_t paserk_size;
    char *label;
    std::size_t label_size;
    std::int64_t *created;
    std::int64_t *revoked;
};

// Parses one line of the keys file into the buffers; false when the line is malformed or
// a field does not fit.
bool read_key_line(const char *line, const KeyFields &out) noexcept;

// Writes the line for a key, with a trailing newline, into buf; returns its length, or 0
// when it does not fit.
std::size_t write_key_line(const char *kid, const char *role, const char *paserk, const char *label,
                           std::int64_t created, std::int64_t revoked, char *buf, std::size_t cap) noexcept;

bool read_spent_line(const char *line, unsigned char digest[16], std::int64_t *expires) noexcept;
std::size_t write_spent_line(const unsigned char digest[16], std::int64_t expires, char *buf, std::size_t cap) noexcept;

} // namespace redline::store
