// What Linux's /proc says about the other end of a local connection, read from its text:
// the socket tables (/proc/net/tcp, /proc/net/tcp6), a process's parent (/proc/PID/stat)
// and the sockets it holds (/proc/PID/fd links). Pure C++: the extension reads the files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace redline::proc_text {

// An endpoint as the socket tables write it: each 32-bit word of the address as the
// machine holds it (`words` as loaded from memory, in order), in upper-case hex, then ':'
// and the port in four hex digits. One word for IPv4, four for IPv6. False when `size`
// is too small.
bool net_endpoint(const std::uint32_t *words, int nwords, unsigned port, char *out, std::size_t size) noexcept;

// A line of a socket table: the socket's inode and the numeric uid that owns it, when the
// line is the socket whose local and remote endpoints are these; false for any other line
// (the header included).
struct NetSocket {
    unsigned long inode = 0;
    unsigned long uid = 0;
};
bool net_line_matches(std::string_view line, std::string_view local, std::string_view remote,
                      NetSocket *found) noexcept;

// The parent's pid in the text of /proc/PID/stat ("pid (comm) state ppid ..."; the command
// name may hold spaces and parentheses); -1 when the text is not such a line.
long stat_parent(std::string_view stat) noexcept;

// The pids of /proc/PID/task/TID/children ("123 456 "), at most `capacity` of them: their
// number, or -1 when the text holds something else or more than `capacity`.
int parse_children(std::string_view text, long *out, int capacity) noexcept;

// The inode a /proc/PID/fd link names when it is a socket ("socket:[12345]"), else 0.
unsigned long socket_link_inode(std::string_view link) noexcept;

} // namespace redline::proc_text
