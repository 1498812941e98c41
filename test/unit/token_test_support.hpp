// Helpers for the token tests: hex from the vector files into keys and bytes, and reading a
// vector file as JSON.
#pragma once

#include "keys.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace token_test {

inline std::string from_hex(std::string_view hex)
{
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        throw std::invalid_argument("not a hex digit");
    };
    if (hex.size() % 2 != 0)
        throw std::invalid_argument("odd number of hex digits");
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2)
        out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
    return out;
}

template <typename Key>
Key key_from_hex(std::string_view hex)
{
    std::string bytes = from_hex(hex);
    Key key;
    if (bytes.size() != key.bytes.size())
        throw std::invalid_argument("key of the wrong size");
    for (std::size_t i = 0; i < bytes.size(); ++i)
        key.bytes[i] = static_cast<unsigned char>(bytes[i]);
    return key;
}

inline std::string_view bytes_of(const redline::token::PublicKey &key)
{
    return {reinterpret_cast<const char *>(key.bytes.data()), key.bytes.size()};
}

inline nlohmann::json read_vectors(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot open test vectors " + path);
    return nlohmann::json::parse(in);
}

} // namespace token_test
