// Tokens never reach a log line or pg_stat_activity: every "v4.public." token in a text is
// overwritten in place, same length, so offsets into a statement stay valid.
#pragma once

namespace redline {

// True when `text` holds something that looks like a PASETO v4.public token.
bool has_token(const char *text) noexcept;

// Overwrites the payload and signature of every such token with 'x'. Returns whether
// anything was overwritten.
bool mask_tokens(char *text) noexcept;

} // namespace redline

namespace redline {

// Overwrites with '*' the literal that follows the keyword PASSWORD ('…', E'…', $tag$…$tag$),
// in place: CREATE/ALTER ROLE … PASSWORD and OPTIONS (password …) keep no secret in the
// audit log. Returns whether anything was overwritten.
bool mask_passwords(char *text) noexcept;

} // namespace redline
