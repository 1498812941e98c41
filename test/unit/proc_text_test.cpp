// Tests reading what /proc says about a local connection's other end: endpoints as the
// socket tables write them, the lines of those tables, a process's parent, socket links.
#include "proc_text.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>

namespace {

using namespace redline::proc_text;

TEST(ProcText, Ipv4EndpointIsTheWordAsTheMachineHoldsIt)
{
    in_addr addr{};
    ASSERT_EQ(inet_pton(AF_INET, "127.0.0.1", &addr), 1);
    std::uint32_t word;
    std::memcpy(&word, &addr, 4);
    char text[32];
    ASSERT_TRUE(net_endpoint(&word, 1, 5432, text, sizeof text));
    // The kernel prints the address word with %08X: on a little-endian machine 127.0.0.1
    // reads 0100007F; the port is in host order.
    std::uint32_t probe = 1;
    bool little = *reinterpret_cast<unsigned char *>(&probe) == 1;
    EXPECT_STREQ(text, little ? "0100007F:1538" : "7F000001:1538");
}

TEST(ProcText, Ipv6EndpointIsFourWords)
{
    in6_addr addr{};
    ASSERT_EQ(inet_pton(AF_INET6, "::1", &addr), 1);
    std::uint32_t words[4];
    std::memcpy(words, &addr, 16);
    char text[48];
    ASSERT_TRUE(net_endpoint(words, 4, 443, text, sizeof text));
    std::uint32_t probe = 1;
    bool little = *reinterpret_cast<unsigned char *>(&probe) == 1;
    EXPECT_STREQ(text, little ? "00000000000000000000000001000000:01BB" : "00000000000000000000000000000001:01BB");
}

TEST(ProcText, EndpointRefusesSmallBuffersAndOddSizes)
{
    std::uint32_t word = 0;
    char small[13];
    EXPECT_FALSE(net_endpoint(&word, 1, 1, small, sizeof small));
    char text[64];
    EXPECT_FALSE(net_endpoint(&word, 2, 1, text, sizeof text));
    EXPECT_FALSE(net_endpoint(&word, 1, 70000, text, sizeof text));
}

constexpr const char *tcp_table[] = {
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   113        0 24529 1 "
    "0000000000000000 100 0 0 10 0",
    "   1: 0100007F:D2A4 0100007F:1538 01 00000000:00000000 00:00000000 00000000   113        0 98765 1 "
    "0000000000000000 20 4 30 10 -1",
    "   2: 0100007F:1538 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000   113        0 98766 1 "
    "0000000000000000 20 4 30 10 -1",
};

TEST(ProcText, FindsTheSocketWithBothEndpoints)
{
    NetSocket found;
    int matches = 0;
    for (const char *line : tcp_table) {
        if (net_line_matches(line, "0100007F:D2A4", "0100007F:1538", &found)) {
            matches++;
            EXPECT_EQ(found.inode, 98765u);
            EXPECT_EQ(found.uid, 113u);
        }
    }
    EXPECT_EQ(matches, 1);
}

TEST(ProcText, OtherSocketsAndTheHeaderDoNotMatch)
{
    NetSocket found;
    EXPECT_FALSE(net_line_matches(tcp_table[0], "local_address", "rem_address", &found));
    // The server's own end has the endpoints the other way round; the listening socket has no remote end.
    EXPECT_FALSE(net_line_matches(tcp_table[3], "0100007F:D2A4", "0100007F:1538", &found));
    EXPECT_FALSE(net_line_matches(tcp_table[1], "0100007F:D2A4", "0100007F:1538", &found));
    EXPECT_FALSE(net_line_matches("", "0100007F:D2A4", "0100007F:1538", &found));
    EXPECT_FALSE(net_line_matches("   1: 0100007F:D2A4 0100007F:1538 01", "0100007F:D2A4", "0100007F:1538", &found));
    // A socket with no inode (closing) is no one's.
    EXPECT_FALSE(net_line_matches("   1: 0100007F:D2A4 0100007F:1538 06 00000000:00000000 03:00000000 00000000 "
                                  "    0        0 0 3 0000000000000000",
                                  "0100007F:D2A4", "0100007F:1538", &found));
}

TEST(ProcText, ParentOfAProcess)
{
    EXPECT_EQ(stat_parent("26573 (cat) R 26569 26569 5851 0 -1 4194304 124"), 26569);
    // A command name may hold spaces and parentheses: the last ')' ends it.
    EXPECT_EQ(stat_parent("4242 (postgres: a) b (c) S 17 4242 4242 0 -1"), 17);
    EXPECT_EQ(stat_parent("1 (systemd) S 0 1 1 0 -1"), 0);
    EXPECT_EQ(stat_parent("garbage"), -1);
    EXPECT_EQ(stat_parent("12 (x) S"), -1);
    EXPECT_EQ(stat_parent("12 (x) S -3"), -1);
}

TEST(ProcText, ChildrenLists)
{
    long pids[3];
    EXPECT_EQ(parse_children("", pids, 3), 0);
    EXPECT_EQ(parse_children("4250 ", pids, 3), 1);
    EXPECT_EQ(pids[0], 4250);
    EXPECT_EQ(parse_children("4250 4251 4252 ", pids, 3), 3);
    EXPECT_EQ(pids[2], 4252);
    // More than there is room for, or anything but pids, is not a list to trust.
    EXPECT_EQ(parse_children("1 2 3 4 ", pids, 3), -1);
    EXPECT_EQ(parse_children("12 x ", pids, 3), -1);
    EXPECT_EQ(parse_children("0 ", pids, 3), -1);
}

TEST(ProcText, SocketLinks)
{
    EXPECT_EQ(socket_link_inode("socket:[98765]"), 98765u);
    EXPECT_EQ(socket_link_inode("pipe:[98765]"), 0u);
    EXPECT_EQ(socket_link_inode("/dev/null"), 0u);
    EXPECT_EQ(socket_link_inode("socket:[]"), 0u);
    EXPECT_EQ(socket_link_inode("socket:[12a]"), 0u);
    EXPECT_EQ(socket_link_inode("socket:[12"), 0u);
}

} // namespace
