// Secrets never reach a log line, pg_stat_activity or the audit log: whatever looks like a
// token is overwritten in place, same length, so offsets into a statement stay valid.
#pragma once

#include <cstddef>

namespace redline {

// A token found in a text, in the form the token parser reads: "v4.public." then its
// payload and footer, its pieces joined and its escapes decoded, whatever prefix (or none)
// it was written with.
struct TokenSighting {
    static constexpr std::size_t capacity = 1024; // redline's tokens are a few hundred characters
    char text[capacity];                          // NUL-terminated
    std::size_t length;
    std::size_t offset; // where it starts in the text searched
    bool complete;      // all of it is in `text` (false: longer than the capacity)
    bool exact;         // written as a token is written: "v4.public.", lower case, one piece, no escape
};

// Called for each token mask_tokens overwrote; must not throw.
using TokenSink = void (*)(const TokenSighting &sighting, void *context);

// What looks like a token, in any case and however spaced or split:
//  - a prefix v<digit>.public. or v<digit>.local. (upper case too, spaces or line breaks
//    around its dots) and the token characters after it;
//  - a token's body with no prefix, or a mangled one: base64url that starts as encoded
//    JSON does ("eyJ", "eyI") and runs on for 32 characters or more with upper case in it;
//  - PASERK secret and local keys (k4.secret., k4.local.), masked but never reported.
// A token's characters run on across the places a person or a script splits one: the end
// of a string literal and the start of the next ('…' || '…', concat('…', '…'), E'' and
// dollar-quoted strings, casts between them) and white space, for as long as its payload
// is shorter than any token's or a footer's dot comes next; backslash escapes that stand
// for a token character are part of it.

// True when `text` holds something mask_tokens would overwrite.
bool has_token(const char *text) noexcept;

// Overwrites the characters of every token in `text` (not its prefix, quotes or joints)
// with 'x', and reports each token it changed to `sink`. Allocates nothing; safe in any
// context. Returns whether anything was overwritten.
bool mask_tokens(char *text, TokenSink sink = nullptr, void *context = nullptr) noexcept;

} // namespace redline

namespace redline {

// Overwrites with '*' the literal that follows the keyword PASSWORD ('…', E'…', $tag$…$tag$),
// in place: CREATE/ALTER ROLE … PASSWORD and OPTIONS (password …) keep no secret in the
// audit log. Returns whether anything was overwritten.
bool mask_passwords(char *text) noexcept;

} // namespace redline
