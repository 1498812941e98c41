// A small lexer, enough to know where a statement ends: the quoting and comment rules of
// PostgreSQL's scanner, and psql's rule for the semicolons of a SQL-standard function body.
// It never needs to understand a statement, only to skip what cannot end one.
#include "sql/statements.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace redline::cli {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool word_start(char c)
{
    auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u >= 0x80;
}

bool word_char(char c) { return word_start(c) || (c >= '0' && c <= '9') || c == '$'; }

std::string upper(std::string_view word)
{
    std::string out(word);
    for (char &c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string lower(std::string_view word)
{
    std::string out(word);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// Where a -- comment that starts at `pos` ends: after its newline, or at the end.
std::size_t after_line_comment(std::string_view s, std::size_t pos)
{
    std::size_t newline = s.find('\n', pos);
    return newline == std::string_view::npos ? s.size() : newline + 1;
}

// Where a /* comment that starts at `pos` ends; they nest.
std::size_t after_block_comment(std::string_view s, std::size_t pos)
{
    int depth = 0;
    while (pos < s.size()) {
        if (s.compare(pos, 2, "/*") == 0) {
            depth++;
            pos += 2;
        } else if (s.compare(pos, 2, "*/") == 0) {
            pos += 2;
            if (--depth == 0)
                return pos;
        } else {
            pos++;
        }
    }
    return s.size();
}

// Where a string or quoted identifier that opens at `pos` with `quote` ends: a doubled quote
// is part of it, and so is a backslash-escaped character in an E'' string.
std::size_t after_quoted(std::string_view s, std::size_t pos, char quote, bool backslash_escapes)
{
    for (std::size_t i = pos + 1; i < s.size(); i++) {
        if (backslash_escapes && s[i] == '\\') {
            i++;
        } else if (s[i] == quote) {
            if (i + 1 < s.size() && s[i + 1] == quote)
                i++;
            else
                return i + 1;
        }
    }
    return s.size();
}

// The length of the dollar-quote delimiter at `pos` ($$ or $tag$), 0 when there is none ($1).
std::size_t dollar_delimiter(std::string_view s, std::size_t pos)
{
    std::size_t i = pos + 1;
    if (i < s.size() && word_start(s[i]))
        while (i < s.size() && word_char(s[i]) && s[i] != '$')
            i++;
    return i < s.size() && s[i] == '$' ? i - pos + 1 : 0;
}

std::size_t after_dollar_quoted(std::string_view s, std::size_t pos, std::size_t length)
{
    std::size_t close = s.find(s.substr(pos, length), pos + length);
    return close == std::string_view::npos ? s.size() : close + length;
}

struct Token {
    enum Kind { end, word, quoted_name, other } kind = end;
    std::string_view text; // a word as written; a quoted name with its quotes
    std::size_t next = 0;  // where the following token may start
};

// The token at or after `pos`, blanks and comments skipped.
Token next_token(std::string_view s, std::size_t pos)
{
    while (pos < s.size()) {
        if (blank(s[pos]))
            pos++;
        else if (s.compare(pos, 2, "--") == 0)
            pos = after_line_comment(s, pos);
        else if (s.compare(pos, 2, "/*") == 0)
            pos = after_block_comment(s, pos);
        else
            break;
    }
    Token t;
    if (pos >= s.size())
        return t;
    std::size_t end = pos + 1;
    if (word_start(s[pos])) {
        while (end < s.size() && word_char(s[end]))
            end++;
        t.kind = Token::word;
    } else if (s[pos] == '"') {
        end = after_quoted(s, pos, '"', false);
        t.kind = Token::quoted_name;
    } else {
        t.kind = Token::other;
    }
    t.text = s.substr(pos, end - pos);
    t.next = end;
    return t;
}

// psql's rule: only a CREATE [OR REPLACE] FUNCTION or PROCEDURE has a body whose BEGIN ...
// END (and the CASE ... END inside it) holds semicolons that do not end the statement.
bool creates_routine(const std::vector<std::string> &words)
{
    auto routine = [](const std::string &w) { return w == "FUNCTION" || w == "PROCEDURE"; };
    if (words.size() >= 2 && words[0] == "CREATE" && routine(words[1]))
        return true;
    return words.size() >= 4 && words[0] == "CREATE" && words[1] == "OR" && words[2] == "REPLACE" && routine(words[3]);
}

} // namespace

std::vector<SqlStatement> split_statements(std::string_view script)
{
    std::vector<SqlStatement> out;
    int line = 1;
    std::size_t counted = 0; // script[0, counted) has been counted into `line`
    auto line_at = [&](std::size_t pos) {
        line += static_cast<int>(std::count(script.begin() + counted, script.begin() + pos, '\n'));
        counted = pos;
        return line;
    };

    std::size_t first = std::string_view::npos; // the statement's first token
    std::vector<std::string> words;             // its first words, for creates_routine
    int parens = 0;
    int body_depth = 0;
    auto finish = [&](std::size_t end) {
        if (first != std::string_view::npos) {
            std::string_view text = script.substr(first, end - first);
            while (!text.empty() && blank(text.back()))
                text.remove_suffix(1);
            int at = line_at(first);
            out.push_back(SqlStatement{std::string(text), at});
        }
        first = std::string_view::npos;
        words.clear();
        parens = body_depth = 0;
    };

    std::size_t i = 0;
    while (i < script.size()) {
        char c = script[i];
        if (blank(c)) {
            i++;
            continue;
        }
        if (script.compare(i, 2, "--") == 0) {
            i = after_line_comment(script, i);
            continue;
        }
        if (script.compare(i, 2, "/*") == 0) {
            i = after_block_comment(script, i);
            continue;
        }
        if (c == ';' && parens == 0 && body_depth == 0) {
            finish(i);
            i++;
            continue;
        }
        if (c == '\\') {
            std::size_t end = i + 1;
            while (end < script.size() && end < i + 16 && !blank(script[end]))
                end++;
            throw std::runtime_error(fmt::format(
                "line {}: {} is a psql command, not SQL: give the statements alone (no \\set, \\i or COPY data)",
                line_at(i), script.substr(i, end - i)));
        }
        if (first == std::string_view::npos)
            first = i;
        if (word_start(c)) {
            std::size_t end = i + 1;
            while (end < script.size() && word_char(script[end]))
                end++;
            std::string word = upper(script.substr(i, end - i));
            if (word == "E" && end < script.size() && script[end] == '\'') {
                i = after_quoted(script, end, '\'', true);
                continue;
            }
            if (words.size() < 4)
                words.push_back(word);
            if (parens == 0 && creates_routine(words)) {
                if (word == "BEGIN" || (word == "CASE" && body_depth > 0))
                    body_depth++;
                else if (word == "END" && body_depth > 0)
                    body_depth--;
            }
            i = end;
            continue;
        }
        if (c == '\'' || c == '"') {
            i = after_quoted(script, i, c, false);
            continue;
        }
        if (c == '$') {
            std::size_t length = dollar_delimiter(script, i);
            i = length > 0 ? after_dollar_quoted(script, i, length) : i + 1;
            continue;
        }
        if (c == '(')
            parens++;
        else if (c == ')' && parens > 0)
            parens--;
        i++;
    }
    finish(script.size());
    return out;
}

std::vector<std::string> leading_words(std::string_view statement, std::size_t count)
{
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (words.size() < count) {
        Token t = next_token(statement, pos);
        if (t.kind != Token::word)
            break;
        words.push_back(upper(t.text));
        pos = t.next;
    }
    return words;
}

bool is_transaction_control(std::string_view statement)
{
    auto words = leading_words(statement, 2);
    if (words.empty())
        return false;
    const std::string &w = words[0];
    if (w == "BEGIN" || w == "START" || w == "COMMIT" || w == "END" || w == "ROLLBACK" || w == "ABORT" ||
        w == "SAVEPOINT" || w == "RELEASE")
        return true;
    return w == "PREPARE" && words.size() == 2 && words[1] == "TRANSACTION";
}

std::optional<DatabaseDrop> database_drop(std::string_view statement)
{
    auto words = leading_words(statement, 2);
    if (words.size() < 2 || words[0] != "DROP" || words[1] != "DATABASE")
        return std::nullopt;
    std::size_t pos = 0;
    for (int skip = 0; skip < 2; skip++)
        pos = next_token(statement, pos).next;
    DatabaseDrop drop;
    Token t = next_token(statement, pos);
    if (t.kind == Token::word && upper(t.text) == "IF") {
        Token exists = next_token(statement, t.next);
        if (exists.kind == Token::word && upper(exists.text) == "EXISTS") {
            drop.if_exists = true;
            t = next_token(statement, exists.next);
        }
    }
    if (t.kind == Token::word) {
        drop.name = lower(t.text);
    } else if (t.kind == Token::quoted_name && t.text.size() >= 2 && t.text.back() == '"') {
        for (std::size_t i = 1; i + 1 < t.text.size(); i++) {
            drop.name += t.text[i];
            if (t.text[i] == '"')
                i++; // "" inside a quoted name is one quote
        }
    } else {
        return std::nullopt;
    }
    return drop;
}

} // namespace redline::cli
