// Lane heads pinned by redline audit --verify: the file survives a save and a load unchanged,
// is private (0600, replaced atomically), refuses what it does not understand, and the
// comparison finds each way a pinned head can disappear.
#include "audit/pins.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;
using redline::cli::check_pins;
using redline::cli::explain_pin_break;
using redline::cli::LaneHead;
using redline::cli::LaneNow;
using redline::cli::LanePins;
using redline::cli::PinBreak;

const std::string hash_a(64, 'a');
const std::string hash_b(64, 'b');

LanePins sample()
{
    LanePins pins;
    pins.cluster = "7311234567890123456";
    pins.database = "shop \"east\"\nwing";
    pins.pinned_at = "2026-11-24T17:45:19.123456+00:00";
    pins.heads = {{1, 4, hash_a}, {5, 1, hash_b}, {9000000000, 12, std::string(64, 'c')}};
    return pins;
}

std::string parse_error(const std::string &text)
{
    try {
        redline::cli::parse_pins(text, "pins");
    } catch (const std::runtime_error &e) {
        return e.what();
    }
    return "";
}

class AuditPinFile : public testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/redline-pins-test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        home_ = tmpl;
        ::setenv("XDG_CONFIG_HOME", (home_ / "config").c_str(), 1);
    }
    void TearDown() override
    {
        ::unsetenv("XDG_CONFIG_HOME");
        fs::remove_all(home_);
    }
    fs::path home_;
};

TEST(AuditPins, FormatAndParseRoundTrip)
{
    LanePins pins = sample();
    std::string text = redline::cli::format_pins(pins, "prod");
    EXPECT_EQ(text.rfind("# redline audit lane heads for profile prod", 0), 0u) << text;
    EXPECT_NE(text.find("\nhead 1 4 " + hash_a + "\n"), std::string::npos) << text;
    LanePins back = redline::cli::parse_pins(text, "pins");
    EXPECT_EQ(back.cluster, pins.cluster);
    EXPECT_EQ(back.database, pins.database) << "quotes and line breaks in a database name survive";
    EXPECT_EQ(back.pinned_at, pins.pinned_at);
    ASSERT_EQ(back.heads.size(), 3u);
    EXPECT_EQ(back.heads[2].lane, 9000000000);
    EXPECT_EQ(back.heads[2].seq, 12);
    EXPECT_EQ(back.heads[1].hash, hash_b);
}

TEST(AuditPins, ParsingRefusesWhatRedlineDidNotWrite)
{
    std::string header = "cluster \"1\"\ndatabase \"d\"\npinned_at \"t\"\n";
    EXPECT_EQ(parse_error(header + "head 1 1 " + hash_a + "\n"), "");
    EXPECT_NE(parse_error(header + "head 1 1 ABCD\n").find("pins line 4: a head is"), std::string::npos);
    EXPECT_NE(parse_error(header + "head 1 1 abc\n").find("a head is"), std::string::npos) << "odd-length hex";
    EXPECT_NE(parse_error(header + "head 0 1 ab\n").find("a head is"), std::string::npos);
    EXPECT_NE(parse_error(header + "head -1 1 ab\n").find("a head is"), std::string::npos);
    EXPECT_NE(parse_error(header + "head 1 1 ab extra\n").find("a head is"), std::string::npos);
    EXPECT_NE(parse_error(header + "head 1 1\n").find("a head is"), std::string::npos);
    EXPECT_NE(parse_error(header + "head 1 1 ab\nhead 1 2 cd\n").find("lane 1 is pinned twice"), std::string::npos);
    EXPECT_NE(parse_error(header + "tail 1\n").find("\"tail\" is not something a pin file holds"), std::string::npos);
    EXPECT_NE(parse_error(header + "cluster \"2\"\n").find("cluster is given twice"), std::string::npos);
    EXPECT_NE(parse_error("cluster 1\n").find("cluster must be a quoted string"), std::string::npos);
    EXPECT_NE(parse_error("database \"d\"\npinned_at \"t\"\n").find("no cluster line"), std::string::npos);
}

TEST_F(AuditPinFile, SavedPrivatelyUnderTheConfigDirectoryAndLoadedBack)
{
    fs::path file = redline::cli::pin_file("prod");
    EXPECT_EQ(file, home_ / "config" / "redline" / "audit-pins" / "prod.heads");
    EXPECT_FALSE(redline::cli::load_pins(file).has_value()) << "no file yet: nothing pinned";

    ::umask(022);
    redline::cli::save_pins(file, sample(), "prod");
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::stat(file.parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);

    auto loaded = redline::cli::load_pins(file);
    ASSERT_TRUE(loaded.has_value());
    EXPECT_EQ(loaded->heads.size(), 3u);

    LanePins fewer = sample();
    fewer.heads.resize(1);
    redline::cli::save_pins(file, fewer, "prod");
    EXPECT_EQ(redline::cli::load_pins(file)->heads.size(), 1u) << "a save replaces the file";
    int entries = 0;
    for ([[maybe_unused]] const auto &entry : fs::directory_iterator(file.parent_path()))
        ++entries;
    EXPECT_EQ(entries, 1) << "no temporary file is left behind";
}

TEST_F(AuditPinFile, AFileThatIsNotAPinFileIsAnErrorNamingIt)
{
    fs::path file = redline::cli::pin_file("prod");
    std::ofstream(file) << "hello\n";
    try {
        redline::cli::load_pins(file);
        FAIL() << "a stray file loaded as pins";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find(file.string() + " line 1"), std::string::npos) << e.what();
    }
}

TEST(AuditPinCheck, HeadsInPlaceAreNoFinding)
{
    std::vector<LaneHead> pinned{{1, 4, hash_a}, {5, 1, hash_b}};
    std::vector<LaneNow> now{{1, 4, 4, hash_a, 9}, {5, 1, 5, hash_b, 1}};
    EXPECT_TRUE(check_pins(pinned, now).empty()) << "a lane that grew since is fine";
}

TEST(AuditPinCheck, RowsCutFromTheEndOfALane)
{
    auto breaks = check_pins({{1, 4, hash_a}}, {{1, 4, std::nullopt, std::nullopt, 2}});
    ASSERT_EQ(breaks.size(), 1u);
    EXPECT_EQ(breaks[0].kind, PinBreak::Kind::tail_removed);
    EXPECT_EQ(explain_pin_break(breaks[0]),
              "lane 1 now ends at lane_seq 2, but its row at lane_seq 4 was pinned: the last 2 rows of the lane were "
              "deleted");
    breaks = check_pins({{1, 4, hash_a}}, {{1, 4, std::nullopt, std::nullopt, 3}});
    EXPECT_NE(explain_pin_break(breaks[0]).find("the last row of the lane was deleted"), std::string::npos);
}

TEST(AuditPinCheck, ALaneDeletedWhole)
{
    auto breaks = check_pins({{7, 3, hash_a}}, {{7, 3, std::nullopt, std::nullopt, std::nullopt}});
    ASSERT_EQ(breaks.size(), 1u);
    EXPECT_EQ(breaks[0].kind, PinBreak::Kind::lane_gone);
    EXPECT_EQ(explain_pin_break(breaks[0]), "lane 7 is gone: none of the 3 pinned rows of the lane that began with "
                                            "row 7 is left in the table; they were deleted");
    EXPECT_EQ(check_pins({{7, 3, hash_a}}, {})[0].kind, PinBreak::Kind::lane_gone) << "no answer for the lane at all";
}

TEST(AuditPinCheck, ALaneRewrittenWithItsHashesRecomputed)
{
    auto breaks = check_pins({{1, 4, hash_a}}, {{1, 4, 17, hash_b, 4}});
    ASSERT_EQ(breaks.size(), 1u);
    EXPECT_EQ(breaks[0].kind, PinBreak::Kind::rewritten);
    EXPECT_EQ(breaks[0].id, 17);
    std::string words = explain_pin_break(breaks[0]);
    EXPECT_NE(words.find("lane 1: row 17 (lane_seq 4) now has hash bbbbbbbbbbbbbbbb… where aaaaaaaaaaaaaaaa… was "
                         "pinned"),
              std::string::npos)
        << words;
}

TEST(AuditPinCheck, APinnedRowMissingBeforeLaterOnes)
{
    auto breaks = check_pins({{1, 4, hash_a}}, {{1, 4, std::nullopt, std::nullopt, 6}});
    ASSERT_EQ(breaks.size(), 1u);
    EXPECT_EQ(breaks[0].kind, PinBreak::Kind::row_gone);
}

TEST(AuditPinCheck, AnInsertedTwinDoesNotHideThePinnedRow)
{
    // Two rows at one position: the pinned one is still there, so the pin holds; the twin is
    // verify_audit()'s to report.
    std::vector<LaneNow> now{{1, 4, 4, hash_a, 4}, {1, 4, 99, hash_b, 4}};
    EXPECT_TRUE(check_pins({{1, 4, hash_a}}, now).empty());
    std::vector<LaneNow> both_wrong{{1, 4, 4, hash_b, 4}, {1, 4, 99, hash_b, 4}};
    EXPECT_EQ(check_pins({{1, 4, hash_a}}, both_wrong).size(), 1u);
}

} // namespace
