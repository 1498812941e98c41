// Finding what looks like a token (or a PASERK secret) in statement and log text, and
// overwriting it in place; the literal after PASSWORD likewise (redact.hpp).
#include "redact.hpp"

#include <cctype>
#include <cstring>
#include <string>
#include <strings.h>

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in

namespace redline {

namespace {

// A PASERK key's body is 86 characters or more: a shorter one was split and goes on.
constexpr std::size_t min_key_body = 86;
// A body with no prefix must be at least this long to be taken for a token's.
constexpr std::size_t min_bare_body = 32;
constexpr const char canonical_prefix[] = "v4.public.";
constexpr std::size_t canonical_prefix_length = sizeof canonical_prefix - 1;

bool is_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_b64(char c) { return is_alnum(c) || c == '-' || c == '_'; }
bool is_token_char(char c) { return is_b64(c) || c == '.'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

// Byte `k` of what the base64url `chars` (of which there are `n`) encode; -1 when they do
// not reach it.
int decoded_byte(const char *chars, std::size_t n, std::size_t k)
{
    std::size_t group = k / 3 * 4;
    std::size_t at = k % 3;
    if (group + at + 1 >= n)
        return -1;
    int a = b64_value(chars[group + at]);
    int b = b64_value(chars[group + at + 1]);
    if (a < 0 || b < 0)
        return -1;
    static constexpr int shift_a[] = {2, 4, 6};
    static constexpr int shift_b[] = {4, 2, 0};
    return ((a << shift_a[at]) | (b >> shift_b[at])) & 0xff;
}

// Reads `count` hex digits at p (all of them, or up to `count` when `at_most`); returns how
// many it read, 0 when too few.
std::size_t read_hex(const char *p, std::size_t count, bool at_most, long *value)
{
    std::size_t n = 0;
    long v = 0;
    while (n < count && hex_value(p[n]) >= 0) {
        v = v * 16 + hex_value(p[n]);
        ++n;
    }
    if (n == 0 || (!at_most && n < count))
        return 0;
    *value = v;
    return n;
}

// A backslash escape at p, as E'' strings (\x41, \101, \u0041, \U00000041, \.) or U&''
// strings (\0041, \+000041) write one: its length, and in *out the ASCII character it
// stands for ('\0' for any other). 0 when p holds none.
std::size_t escape_at(const char *p, char *out)
{
    *out = '\0';
    if (p[0] != '\\' || p[1] == '\0')
        return 0;
    long value = -1;
    std::size_t n = 0;
    char c = p[1];
    if (c == 'x' && (n = read_hex(p + 2, 2, true, &value)) > 0) {
        n += 2;
    } else if (c == 'u' && (n = read_hex(p + 2, 4, false, &value)) > 0) {
        n += 2;
    } else if (c == 'U' && (n = read_hex(p + 2, 8, false, &value)) > 0) {
        n += 2;
    } else if (c >= '0' && c <= '7') {
        value = 0;
        for (n = 1; n <= 3 && p[n] >= '0' && p[n] <= '7'; ++n)
            value = value * 8 + (p[n] - '0');
    } else if (c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') {
        value = 1; // a control character
        n = 2;
    } else {
        value = static_cast<unsigned char>(c);
        n = 2;
    }
    // A U&'' string's \XXXX or \+XXXXXX, when the E'' reading gave no token character.
    if (!(value > 0 && value < 128 && is_token_char(static_cast<char>(value)))) {
        long u = -1;
        if (c == '+' && read_hex(p + 2, 6, false, &u) == 6 && u > 0 && u < 128) {
            value = u;
            n = 8;
        } else if (read_hex(p + 1, 4, false, &u) == 4 && u > 0 && u < 128) {
            value = u;
            n = 5;
        }
    }
    if (value > 0 && value < 128)
        *out = static_cast<char>(value);
    return n;
}

// Length of the lower-case `word` at p, in any case; 0 when it is not there.
std::size_t word_at(const char *p, const char *word)
{
    std::size_t n = 0;
    for (; word[n] != '\0'; ++n)
        if (lower(p[n]) != word[n])
            return 0;
    return n;
}

bool word_ends_at(const char *text, const char *p, const char *word)
{
    std::size_t n = std::strlen(word);
    return static_cast<std::size_t>(p - text) >= n && word_at(p - n, word) == n;
}

// Length of a dollar-quote delimiter ($$, $tag$) at p; 0 when there is none.
std::size_t dollar_tag(const char *p)
{
    if (*p != '$' || (p[1] >= '0' && p[1] <= '9'))
        return 0;
    std::size_t n = 1;
    while (is_alnum(p[n]) || p[n] == '_' || static_cast<unsigned char>(p[n]) >= 0x80)
        ++n;
    return p[n] == '$' ? n + 1 : 0;
}

struct Prefix {
    std::size_t length = 0; // 0: no prefix here
    bool token = false;     // v…: a token; k…: a PASERK key
    bool exact = false;     // "v4.public." as written by a minter
};

// The character at p as a literal spells it (itself, or the backslash escape there) in
// *out; returns its length, 0 at the end of the text.
std::size_t char_at(const char *p, char *out)
{
    if (*p == '\\') {
        std::size_t n = escape_at(p, out);
        if (n > 0)
            return n;
    }
    *out = *p;
    return *p != '\0' ? 1 : 0;
}

// v<digit>.public. / v<digit>.local. (a token) or k<digit>.secret. / k<digit>.local. (a
// key), in any case, with white space around the dots, its characters maybe escaped.
Prefix prefix_at(const char *p)
{
    Prefix found;
    const char *q = p;
    bool escaped = false;
    auto get = [&]() {
        char c;
        std::size_t n = char_at(q, &c);
        escaped = escaped || n > 1;
        q += n;
        return c;
    };
    auto spaces = [&]() {
        for (char c; char_at(q, &c) > 0 && is_space(c);)
            (void)get();
    };
    auto word = [&](const char *w) {
        const char *start = q;
        for (; *w != '\0'; ++w) {
            if (lower(get()) != *w) {
                q = start;
                return false;
            }
        }
        return true;
    };
    char kind = lower(get());
    if (kind != 'v' && kind != 'k')
        return found;
    char digit = get();
    if (digit < '0' || digit > '9')
        return found;
    spaces();
    if (get() != '.')
        return found;
    spaces();
    if (!word(kind == 'v' ? "public" : "secret") && !word("local"))
        return found;
    spaces();
    if (get() != '.')
        return found;
    spaces();
    found.length = static_cast<std::size_t>(q - p);
    found.token = kind == 'v';
    found.exact = found.token && !escaped && found.length == canonical_prefix_length &&
                  std::strncmp(p, canonical_prefix, canonical_prefix_length) == 0;
    return found;
}

// Where the next piece of a split token starts, when `q` (the first character after a
// piece) is a joint: a literal's end, separators (white space, ||, commas, parentheses,
// casts) and the next literal's start; or white space inside a literal (a token wrapped
// or pasted with a space). Null otherwise.
char *joint_after(char *q)
{
    char *p = q;
    std::size_t n = 0;
    if (*p == '\'') {
        ++p;
    } else if ((n = dollar_tag(p)) > 0) {
        p += n;
    } else {
        while (is_space(*p))
            ++p;
        return p > q ? p : nullptr;
    }
    for (;;) {
        if (is_space(*p) || *p == '|' || *p == ',' || *p == '(' || *p == ')' || *p == '+') {
            ++p;
        } else if (p[0] == ':' && p[1] == ':') {
            p += 2;
            while (is_space(*p))
                ++p;
            while (is_alnum(*p) || *p == '_')
                ++p;
        } else {
            break;
        }
    }
    if (*p == '\'')
        return p + 1;
    if ((*p == 'E' || *p == 'e') && p[1] == '\'')
        return p + 2;
    if ((*p == 'U' || *p == 'u') && p[1] == '&' && p[2] == '\'')
        return p + 3;
    if ((n = dollar_tag(p)) > 0)
        return p + n;
    return nullptr;
}

// The characters of one token (or key), as they are read: counted, collected into a
// sighting, and overwritten (or, looking only, noted as to be overwritten).
struct Reader {
    bool write;
    TokenSighting *seen;  // a token's; null for a key
    std::size_t body = 0; // characters read
    std::size_t part = 0; // where the part being read (payload, then footer) starts in seen->text
    bool in_footer = false;
    bool upper = false; // an upper-case letter past the first three characters
    bool joined = false;
    bool changed = false;
    char last = '\0';

    void take(char c)
    {
        if (body >= 3 && c >= 'A' && c <= 'Z')
            upper = true;
        ++body;
        last = c;
        if (seen == nullptr)
            return;
        if (seen->length + 1 >= TokenSighting::capacity) {
            seen->complete = false;
            return;
        }
        seen->text[seen->length++] = c;
        if (c == '.' && !in_footer) {
            in_footer = true;
            part = seen->length;
        }
    }

    // Whether the part read so far is whole: a payload is JSON and a 64-byte signature, so
    // its 65th byte from the end closes the JSON object; a footer is JSON. Split tokens go
    // on in the next piece until then.
    bool part_whole() const
    {
        // Already masked (read, and nothing to overwrite): what follows is not part of it.
        if (body > 0 && !changed)
            return true;
        if (seen == nullptr)
            return body >= min_key_body;
        if (!seen->complete)
            return true;
        const char *chars = seen->text + part;
        std::size_t n = seen->length - part;
        std::size_t bytes = n * 6 / 8;
        std::size_t tail = in_footer ? 1 : 65;
        return bytes >= tail && decoded_byte(chars, n, bytes - tail) == '}';
    }

    void mask(char *from, std::size_t n)
    {
        for (std::size_t i = 0; i < n; ++i) {
            if (from[i] == 'x')
                continue;
            changed = true;
            if (write)
                from[i] = 'x';
        }
    }
};

char *read_body(char *q, Reader &r)
{
    for (;;) {
        char c = *q;
        if (is_token_char(c)) {
            r.take(c);
            r.mask(q, 1);
            ++q;
            continue;
        }
        char decoded;
        std::size_t n = escape_at(q, &decoded);
        if (n > 0 && is_token_char(decoded)) {
            r.take(decoded);
            r.mask(q, n);
            r.joined = true;
            q += n;
            continue;
        }
        char *next = joint_after(q);
        if (next != nullptr && (is_token_char(*next) || *next == '\\') &&
            (!r.part_whole() || r.last == '.' || *next == '.')) {
            r.joined = true;
            q = next;
            continue;
        }
        return q;
    }
}

// A token's body with no prefix (or a mangled one) may start at p.
bool bare_body_at(const char *text, const char *p)
{
    if (p[0] != 'e' || p[1] != 'y' || (p[2] != 'J' && p[2] != 'I'))
        return false;
    return p == text || !is_alnum(p[-1]) || word_ends_at(text, p, "public") || word_ends_at(text, p, "local");
}

struct Scan {
    char *text;
    bool write;
    TokenSink sink;
    void *context;
    bool any = false;
};

// Reads (and overwrites) the token or key whose prefix starts at `start` and whose own
// characters start at `body`; returns where it ends.
char *read_one(Scan &scan, char *start, char *body, bool token, bool exact)
{
    TokenSighting seen;
    std::memcpy(seen.text, canonical_prefix, canonical_prefix_length);
    seen.length = canonical_prefix_length;
    seen.offset = static_cast<std::size_t>(start - scan.text);
    seen.complete = true;
    Reader r{scan.write, token ? &seen : nullptr};
    r.part = seen.length;
    char *end = read_body(body, r);
    if (!r.changed)
        return end;
    scan.any = true;
    if (token && scan.sink != nullptr) {
        seen.text[seen.length] = '\0';
        seen.exact = exact && !r.joined;
        scan.sink(seen, scan.context);
    }
    return end;
}

bool scan_text(Scan &scan)
{
    if (scan.text == nullptr)
        return false;
    for (char *p = scan.text; (p = std::strpbrk(p, "vVkKe\\")) != nullptr;) {
        char *end = p + 1;
        Prefix prefix = prefix_at(p);
        if (prefix.length > 0) {
            end = read_one(scan, p, p + prefix.length, prefix.token, prefix.exact);
        } else if (bare_body_at(scan.text, p)) {
            TokenSighting collected;
            collected.length = 0;
            collected.complete = true;
            Reader look{false, &collected};
            (void)read_body(p, look);
            if (look.body >= min_bare_body && look.upper)
                end = read_one(scan, p, p, true, false);
        }
        if (scan.any && !scan.write)
            return true;
        p = end > p ? end : p + 1;
    }
    return scan.any;
}

} // namespace

bool has_token(const char *text) noexcept
{
    Scan scan{const_cast<char *>(text), false, nullptr, nullptr};
    return scan_text(scan);
}

bool mask_tokens(char *text, TokenSink sink, void *context) noexcept
{
    Scan scan{text, true, sink, context};
    return scan_text(scan);
}

} // namespace redline

namespace redline {

namespace {

bool identifier_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// Masks the literal starting at `p` (a quote, E-quote or dollar quote); returns where it ends.
char *mask_literal(char *p)
{
    bool escapes = false;
    if ((*p == 'E' || *p == 'e') && p[1] == '\'') {
        escapes = true;
        ++p;
    }
    if (*p == '\'') {
        char *q = p + 1;
        while (*q != '\0') {
            if (escapes && *q == '\\' && q[1] != '\0') {
                *q++ = '*';
                *q++ = '*';
                continue;
            }
            if (*q == '\'') {
                if (q[1] == '\'') {
                    *q++ = '*';
                    *q++ = '*';
                    continue;
                }
                return q + 1;
            }
            *q++ = '*';
        }
        return q;
    }
    if (*p == '$') {
        char *tag_end = p + 1;
        while (*tag_end != '\0' && *tag_end != '$' && identifier_char(*tag_end))
            ++tag_end;
        if (*tag_end != '$')
            return p + 1;
        size_t tag_len = static_cast<size_t>(tag_end - p) + 1; // "$tag$"
        char *body = tag_end + 1;
        char *close = std::strstr(body, std::string(p, tag_len).c_str());
        char *end = close != nullptr ? close : body + std::strlen(body);
        for (char *q = body; q < end; ++q)
            *q = '*';
        return close != nullptr ? close + tag_len : end;
    }
    return p;
}

} // namespace

bool mask_passwords(char *text) noexcept
{
    if (text == nullptr)
        return false;
    bool masked = false;
    try {
        for (char *p = text; *p != '\0'; ++p) {
            if (strncasecmp(p, "password", 8) != 0 || (p > text && identifier_char(p[-1])) || identifier_char(p[8]))
                continue;
            char *q = p + 8;
            while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
                ++q;
            char *after = mask_literal(q);
            if (after != q) {
                masked = true;
                p = after - 1;
            }
        }
    } catch (...) {
        return masked;
    }
    return masked;
}

} // namespace redline
