// Tests the audit log's hash chain: the encoding is fixed (a vector computed independently
// from the documented layout), every column is covered, NULL differs from empty, and list
// boundaries cannot be shifted without changing the hash.
#include "audit_entry.hpp"
#include "audit_hash.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

namespace {

using redline::audit_digest_size;
using Digest = std::array<unsigned char, audit_digest_size>;

std::string hex(const Digest &d)
{
    char out[2 * audit_digest_size + 1];
    redline::audit_digest_hex(d.data(), out);
    return out;
}

Digest genesis(int64_t lane)
{
    Digest d{};
    EXPECT_TRUE(redline::audit_lane_genesis(lane, d.data()));
    return d;
}

struct Row {
    const char *objects[1] = {"public.t"};
    redline::AuditEntry entry;
    redline::AuditRowKey key{9, 7, 1, 0};
    Row()
    {
        entry.at = 1000000;
        entry.text[redline::af_event] = "write";
        entry.text[redline::af_session_role] = "alice";
        entry.text[redline::af_effective_role] = "alice";
        entry.text[redline::af_database] = "app";
        entry.text[redline::af_client_addr] = "[local]";
        entry.text[redline::af_application_name] = "psql";
        entry.has_pid = true;
        entry.pid = 4242;
        entry.text[redline::af_environment] = "production";
        entry.text[redline::af_statement] = "UPDATE t SET v = 1 WHERE id = 2";
        entry.nobjects = 1;
        entry.objects = objects;
        entry.has_rows = true;
        entry.rows = 1;
        entry.text[redline::af_decision] = "allowed";
        entry.has_xid = true;
        entry.xid = 750;
    }
    Digest hash(const Digest &prev) const
    {
        Digest d{};
        EXPECT_TRUE(redline::audit_row_hash(prev.data(), key, entry, d.data()));
        return d;
    }
};

// Computed with Python's hashlib from the layout in audit_hash.cpp: label, previous hash,
// then each column as tag (0 NULL, 1 text, 2 int64, 3 array) + big-endian length/value.
TEST(AuditChain, MatchesAnIndependentlyComputedVector)
{
    EXPECT_EQ(hex(genesis(7)), "9960d021a84cd18cf7a9a16ad6930ff7f7cc17725eaf348ee059d347d87ec922");
    Row row;
    EXPECT_EQ(hex(row.hash(genesis(7))), "fc940083c518cfb8d8f7e0e72d0141d8a1ef01f7f8840813b4d8ca58ed4bd3cc");
}

TEST(AuditChain, LanesStartFromDifferentHashes) { EXPECT_NE(hex(genesis(1)), hex(genesis(2))); }

TEST(AuditChain, TheHashDependsOnThePreviousRow)
{
    Row row;
    EXPECT_NE(hex(row.hash(genesis(7))), hex(row.hash(genesis(8))));
}

TEST(AuditChain, EveryTextColumnIsCovered)
{
    Row base;
    const std::string original = hex(base.hash(genesis(7)));
    for (int f = 0; f < redline::af_count; ++f) {
        Row changed;
        changed.entry.text[f] = "something else";
        EXPECT_NE(hex(changed.hash(genesis(7))), original) << "field " << f;
    }
}

TEST(AuditChain, EveryOtherColumnIsCovered)
{
    const std::string original = hex(Row().hash(genesis(7)));
    Row r1;
    r1.key.id = 10;
    Row r2;
    r2.entry.at += 1;
    Row r3;
    r3.entry.pid += 1;
    Row r4;
    r4.entry.rows = 2;
    Row r5;
    r5.entry.xid = 751;
    Row r6;
    r6.key.lane = 8;
    Row r7;
    r7.key.lane_seq = 2;
    Row r8;
    r8.key.prev_id = 8;
    Row r9;
    const char *other[1] = {"public.u"};
    r9.entry.objects = other;
    for (const Row *r : {&r1, &r2, &r3, &r4, &r5, &r6, &r7, &r8, &r9})
        EXPECT_NE(hex(r->hash(genesis(7))), original);
}

TEST(AuditChain, NullDiffersFromEmptyAndFromZero)
{
    Row with_empty;
    with_empty.entry.text[redline::af_reason] = "";
    EXPECT_NE(hex(with_empty.hash(genesis(7))), hex(Row().hash(genesis(7))));
    Row no_rows;
    no_rows.entry.has_rows = false;
    Row zero_rows;
    zero_rows.entry.rows = 0;
    EXPECT_NE(hex(no_rows.hash(genesis(7))), hex(zero_rows.hash(genesis(7))));
    Row no_objects;
    no_objects.entry.nobjects = -1;
    Row empty_objects;
    empty_objects.entry.nobjects = 0;
    EXPECT_NE(hex(no_objects.hash(genesis(7))), hex(empty_objects.hash(genesis(7))));
}

// Moving a boundary between two values must change the hash: lengths come before bytes.
TEST(AuditChain, BoundariesCannotBeShifted)
{
    Row a;
    a.entry.text[redline::af_session_role] = "ali";
    a.entry.text[redline::af_effective_role] = "cealice";
    Row b;
    b.entry.text[redline::af_session_role] = "alice";
    b.entry.text[redline::af_effective_role] = "alice";
    EXPECT_NE(hex(a.hash(genesis(7))), hex(b.hash(genesis(7))));

    const char *two[2] = {"public.a", "b"};
    const char *joined[2] = {"public.ab", ""};
    Row c;
    c.entry.nobjects = 2;
    c.entry.objects = two;
    Row d;
    d.entry.nobjects = 2;
    d.entry.objects = joined;
    EXPECT_NE(hex(c.hash(genesis(7))), hex(d.hash(genesis(7))));
}

TEST(AuditChain, HexIsLowerCaseAndComplete)
{
    Digest d{};
    d[0] = 0xAB;
    d[31] = 0x01;
    std::string h = hex(d);
    EXPECT_EQ(h.size(), 64u);
    EXPECT_EQ(h.substr(0, 2), "ab");
    EXPECT_EQ(h.substr(62), "01");
}

} // namespace
