// A first pass over the JSON with nlohmann's event (SAX) parser enforces the limits and key
// uniqueness without building anything; only text that passes is parsed into a document.
#include "strict_json.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace redline::token::detail {

namespace {

using Json = nlohmann::json;

class LimitChecker final : public nlohmann::json_sax<Json> {
public:
    explicit LimitChecker(const JsonLimits &limits) : limits_(limits) {}

    bool null() override { return count_value(); }
    bool boolean(bool) override { return count_value(); }
    bool number_integer(number_integer_t) override { return count_value(); }
    bool number_unsigned(number_unsigned_t) override { return count_value(); }
    bool number_float(number_float_t, const string_t &) override { return count_value(); }
    bool string(string_t &) override { return count_value(); }
    // Only binary formats (CBOR, MessagePack) produce these; JSON text never does.
    bool binary(binary_t &) override { return false; }

    bool start_object(std::size_t) override
    {
        if (!count_value() || !enter())
            return false;
        keys_.emplace_back();
        return true;
    }
    // A key event always belongs to the innermost open object: arrays have no keys.
    bool key(string_t &name) override
    {
        auto &seen = keys_.back();
        if (std::find(seen.begin(), seen.end(), name) != seen.end())
            return false;
        seen.push_back(name);
        return true;
    }
    bool end_object() override
    {
        keys_.pop_back();
        --depth_;
        return true;
    }
    bool start_array(std::size_t) override { return count_value() && enter(); }
    bool end_array() override
    {
        --depth_;
        return true;
    }
    bool parse_error(std::size_t, const std::string &, const nlohmann::detail::exception &) override { return false; }

private:
    bool count_value() { return ++values_ <= limits_.max_values; }
    bool enter() { return ++depth_ <= limits_.max_depth; }

    JsonLimits limits_;
    std::size_t depth_ = 0;
    std::size_t values_ = 0;
    std::vector<std::vector<std::string>> keys_; // keys seen, per open object
};

} // namespace

std::optional<nlohmann::json> parse_strict_object(std::string_view text, const JsonLimits &limits) noexcept
{
    if (text.size() > limits.max_size)
        return std::nullopt;
    try {
        LimitChecker checker(limits);
        if (!Json::sax_parse(text.begin(), text.end(), &checker))
            return std::nullopt;
        Json document = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
        if (!document.is_object())
            return std::nullopt;
        return document;
    } catch (...) {
        return std::nullopt;
    }
}

bool is_plain_text(std::string_view text) noexcept
{
    std::size_t i = 0;
    while (i < text.size()) {
        unsigned char lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            if (lead < 0x20 || lead == 0x7f)
                return false;
            ++i;
            continue;
        }
        // The lead byte gives the sequence length and the smallest code point it may carry,
        // which rules out overlong spellings of shorter sequences.
        std::size_t length;
        std::uint32_t code, smallest;
        if (lead >= 0xc2 && lead <= 0xdf) {
            length = 2, code = lead & 0x1fu, smallest = 0x80;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            length = 3, code = lead & 0x0fu, smallest = 0x800;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            length = 4, code = lead & 0x07u, smallest = 0x10000;
        } else {
            return false; // a continuation byte, an overlong two-byte lead, or past U+10FFFF
        }
        if (text.size() - i < length)
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            unsigned char next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0u) != 0x80u)
                return false;
            code = (code << 6) | (next & 0x3fu);
        }
        if (code < smallest || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
            return false;
        i += length;
    }
    return true;
}

} // namespace redline::token::detail
