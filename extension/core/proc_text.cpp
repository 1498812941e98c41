// Reading the text of /proc: socket tables, a process's parent, the sockets it holds.
#include "proc_text.hpp"

#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in
#include <cstdio>

namespace redline::proc_text {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The next whitespace-separated field of `text`, which is advanced past it.
std::string_view next_field(std::string_view &text)
{
    size_t start = 0;
    while (start < text.size() && is_space(text[start]))
        start++;
    size_t end = start;
    while (end < text.size() && !is_space(text[end]))
        end++;
    std::string_view field = text.substr(start, end - start);
    text.remove_prefix(end);
    return field;
}

bool parse_unsigned(std::string_view text, unsigned long *out)
{
    if (text.empty() || text.size() > 19)
        return false;
    unsigned long value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    *out = value;
    return true;
}

} // namespace

bool net_endpoint(const std::uint32_t *words, int nwords, unsigned port, char *out, std::size_t size) noexcept
{
    if (nwords != 1 && nwords != 4)
        return false;
    std::size_t need = static_cast<std::size_t>(nwords) * 8 + 1 + 4 + 1;
    if (size < need || port > 0xFFFF)
        return false;
    char *p = out;
    for (int i = 0; i < nwords; i++)
        p += std::snprintf(p, 9, "%08X", static_cast<unsigned>(words[i]));
    std::snprintf(p, 6, ":%04X", port);
    return true;
}

bool net_line_matches(std::string_view line, std::string_view local, std::string_view remote, NetSocket *found) noexcept
{
    // "  sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
    std::string_view rest = line;
    std::string_view slot = next_field(rest);
    if (slot.empty() || slot.back() != ':')
        return false;
    if (next_field(rest) != local || next_field(rest) != remote)
        return false;
    for (int skip = 0; skip < 4; skip++) // state, queues, timer, retransmits
        if (next_field(rest).empty())
            return false;
    NetSocket socket;
    if (!parse_unsigned(next_field(rest), &socket.uid))
        return false;
    if (next_field(rest).empty()) // timeout
        return false;
    if (!parse_unsigned(next_field(rest), &socket.inode) || socket.inode == 0)
        return false;
    *found = socket;
    return true;
}

long stat_parent(std::string_view stat) noexcept
{
    size_t close = stat.rfind(')');
    if (close == std::string_view::npos)
        return -1;
    std::string_view rest = stat.substr(close + 1);
    if (next_field(rest).empty()) // state
        return -1;
    unsigned long ppid = 0;
    if (!parse_unsigned(next_field(rest), &ppid) || ppid > 0x7fffffffUL)
        return -1;
    return static_cast<long>(ppid);
}

int parse_children(std::string_view text, long *out, int capacity) noexcept
{
    int n = 0;
    for (std::string_view field = next_field(text); !field.empty(); field = next_field(text)) {
        unsigned long pid = 0;
        if (n >= capacity || !parse_unsigned(field, &pid) || pid == 0 || pid > 0x7fffffffUL)
            return -1;
        out[n++] = static_cast<long>(pid);
    }
    return n;
}

unsigned long socket_link_inode(std::string_view link) noexcept
{
    constexpr std::string_view prefix = "socket:[";
    if (link.size() <= prefix.size() + 1 || link.substr(0, prefix.size()) != prefix || link.back() != ']')
        return 0;
    unsigned long inode = 0;
    if (!parse_unsigned(link.substr(prefix.size(), link.size() - prefix.size() - 1), &inode))
        return 0;
    return inode;
}

} // namespace redline::proc_text
