// The outputs of redline audit: CSV as RFC 4180 writes it, JSON lines that stay valid whatever
// the server stored (control characters, non-ASCII, bytes that are not UTF-8), and a table
// that no statement can use to repaint the auditor's terminal.
#include "audit/format.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace {

using redline::cli::audit_csv;
using redline::cli::audit_json_line;
using redline::cli::audit_table;
using redline::cli::csv_field;
using redline::cli::Palette;
using redline::cli::QueryRows;
using redline::cli::shorten;
using redline::cli::terminal_safe;

constexpr unsigned text_oid = 25;

// One audit row as the listing's query returns it.
QueryRows one_row(const std::string &statement, const std::string &decision = "allowed")
{
    QueryRows rows;
    auto column = [&](const char *name, unsigned type, std::optional<std::string> value) {
        rows.columns.emplace_back(name);
        rows.types.push_back(type);
        if (rows.rows.empty())
            rows.rows.emplace_back();
        rows.rows[0].push_back(std::move(value));
    };
    column("id", redline::cli::int8_oid, "42");
    column("at", text_oid, "2026-11-24T17:45:19.123456+01:00");
    column("event", text_oid, "write");
    column("session_role", text_oid, "alice");
    column("effective_role", text_oid, "app_owner");
    column("database", text_oid, "shop");
    column("client_addr", text_oid, "10.0.0.7");
    column("backend_pid", redline::cli::int4_oid, "4242");
    column("statement", text_oid, statement);
    column("objects", redline::cli::json_oid, R"(["public.orders", "public.\"we,ird\""])");
    column("rows", redline::cli::int8_oid, "3");
    column("key_id", text_oid, std::nullopt);
    column("decision", text_oid, decision);
    column("xid", text_oid, "18446744073709551615");
    column("lane", redline::cli::int8_oid, "40");
    column("lane_seq", redline::cli::int8_oid, "3");
    column("hash", text_oid, "9f86d081884c7d65");
    return rows;
}

TEST(AuditCsv, PlainFieldsStayUnquoted)
{
    EXPECT_EQ(csv_field(std::string("alice")), "alice");
    EXPECT_EQ(csv_field(std::string("")), "");
    EXPECT_EQ(csv_field(std::nullopt), "") << "NULL is an empty field";
}

TEST(AuditCsv, CommasQuotesAndLineBreaksAreQuoted)
{
    EXPECT_EQ(csv_field(std::string("a,b")), "\"a,b\"");
    EXPECT_EQ(csv_field(std::string("say \"hi\"")), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field(std::string("UPDATE t\nSET a = 1")), "\"UPDATE t\nSET a = 1\"");
    EXPECT_EQ(csv_field(std::string("a\r\nb")), "\"a\r\nb\"");
    EXPECT_EQ(csv_field(std::string(" padded ")), "\" padded \"");
    EXPECT_EQ(csv_field(std::string("\"")), "\"\"\"\"");
}

TEST(AuditCsv, HeaderThenOneRecordPerRowEndedByCrlf)
{
    std::string csv = audit_csv(one_row("UPDATE orders SET note = 'a, \"b\"'\nWHERE id = 1"));
    std::string header = "id,at,event,session_role,effective_role,database,client_addr,backend_pid,statement,"
                         "objects,rows,key_id,decision,xid,lane,lane_seq,hash\r\n";
    ASSERT_EQ(csv.substr(0, header.size()), header);
    std::string record = csv.substr(header.size());
    EXPECT_EQ(record, "42,2026-11-24T17:45:19.123456+01:00,write,alice,app_owner,shop,10.0.0.7,4242,"
                      "\"UPDATE orders SET note = 'a, \"\"b\"\"'\nWHERE id = 1\","
                      "\"[\"\"public.orders\"\", \"\"public.\\\"\"we,ird\\\"\"\"\"]\",3,,allowed,"
                      "18446744073709551615,40,3,9f86d081884c7d65\r\n");
}

TEST(AuditCsv, NoRowsIsTheHeaderAlone)
{
    QueryRows rows = one_row("x");
    rows.rows.clear();
    EXPECT_EQ(audit_csv(rows).find("\r\n"), audit_csv(rows).size() - 2);
}

TEST(AuditJson, EveryColumnTypedAndInOrder)
{
    std::string line = audit_json_line(one_row("UPDATE orders SET a = 1 WHERE id = 1"), 0);
    EXPECT_EQ(line.find('\n'), std::string::npos) << "one object per line";
    auto object = nlohmann::ordered_json::parse(line);
    EXPECT_EQ(object.begin().key(), "id");
    EXPECT_EQ(object["id"], 42);
    EXPECT_EQ(object["backend_pid"], 4242);
    EXPECT_EQ(object["at"], "2026-11-24T17:45:19.123456+01:00");
    EXPECT_EQ(object["objects"].dump(), R"(["public.orders","public.\"we,ird\""])");
    EXPECT_TRUE(object["key_id"].is_null());
    EXPECT_EQ(object["xid"].get<unsigned long long>(), 18446744073709551615ULL) << "xid8 is unsigned 64-bit";
    EXPECT_EQ(object["hash"], "9f86d081884c7d65");
    EXPECT_EQ(object.size(), 17u);
}

TEST(AuditJson, ControlCharactersAreEscaped)
{
    std::string statement = std::string("a\nb\tc\rd\x01"
                                        "e\x1b[31mf\"g\\h") +
                            '\0' + "i";
    std::string line = audit_json_line(one_row(statement), 0);
    EXPECT_NE(line.find(R"("statement":"a\nb\tc\rd\u0001e\u001b[31mf\"g\\h\u0000i")"), std::string::npos) << line;
    for (char c : line)
        EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "no raw control character in a JSON line";
    EXPECT_EQ(nlohmann::json::parse(line)["statement"], statement) << "and the value survives the round trip";
}

TEST(AuditJson, UnicodeIsKeptAndBytesThatAreNotUtf8AreReplaced)
{
    std::string line = audit_json_line(one_row("SELECT 'ünïcödé ☃ 😀'"), 0);
    EXPECT_NE(line.find("SELECT 'ünïcödé ☃ 😀'"), std::string::npos) << line;
    std::string broken = audit_json_line(one_row("bad \xff\xfe byte"), 0);
    EXPECT_NE(broken.find("bad \xef\xbf\xbd\xef\xbf\xbd byte"), std::string::npos) << "U+FFFD for each bad byte";
    EXPECT_NO_THROW(nlohmann::json::parse(broken));
}

TEST(AuditTerminal, EscapeSequencesBecomeVisible)
{
    EXPECT_EQ(terminal_safe("DROP TABLE x; \x1b]11;#ff0000\x07"), "DROP TABLE x; \\x1b]11;#ff0000\\x07");
    EXPECT_EQ(terminal_safe("del\x7f"), "del\\x7f");
    EXPECT_EQ(terminal_safe("csi \xc2\x9b"
                            "31m"),
              "csi \\u009b31m")
        << "C1 controls too";
    EXPECT_EQ(terminal_safe("ünïcödé ☃"), "ünïcödé ☃");
    EXPECT_EQ(terminal_safe("bad \xff and \xe2\x82"), "bad \\xff and \\xe2\\x82");
    EXPECT_EQ(terminal_safe("overlong \xc0\xaf"), "overlong \\xc0\\xaf");
    EXPECT_EQ(terminal_safe("surrogate \xed\xa0\x80"), "surrogate \\xed\\xa0\\x80");
}

TEST(AuditTerminal, ShortenFlattensAndCutsAtACharacter)
{
    EXPECT_EQ(shorten("UPDATE t\n   SET a = 1\tWHERE id = 2\n", 80), "UPDATE t SET a = 1 WHERE id = 2");
    EXPECT_EQ(shorten("abcdefghij", 10), "abcdefghij");
    EXPECT_EQ(shorten("abcdefghijk", 10), "abcdefghi…");
    EXPECT_EQ(shorten("äöüäöüäöüäöü", 5), "äöüä…") << "never half a character";
    EXPECT_EQ(shorten("a\x1b[2Jb", 80), "a\\x1b[2Jb");
}

TEST(AuditTable, AlignedWithTheRoleItActedAs)
{
    std::string table = audit_table(one_row("UPDATE orders\nSET a = 1 WHERE id = 1"), Palette::plain());
    EXPECT_EQ(table, "id  at                   event  decision  role                database  client    rows  "
                     "statement\n"
                     "42  2026-11-24 17:45:19  write  allowed   alice as app_owner  shop      10.0.0.7  3     "
                     "UPDATE orders SET a = 1 WHERE id = 1\n");
}

TEST(AuditTable, ColouredByDecisionOnlyWhenAskedFor)
{
    std::string refused = audit_table(one_row("DELETE FROM orders", "refused"), Palette::colored());
    EXPECT_NE(refused.find("\x1b[1m\x1b[31m42  "), std::string::npos) << refused;
    std::string rolled_back = audit_table(one_row("DELETE FROM orders WHERE true", "rolled_back"), Palette::colored());
    EXPECT_NE(rolled_back.find("\x1b[33m42  "), std::string::npos) << rolled_back;
    std::string plain = audit_table(one_row("DELETE FROM orders", "refused"), Palette::plain());
    EXPECT_EQ(plain.find('\x1b'), std::string::npos);
}

TEST(AuditTable, AStatementCannotWriteEscapesToTheTerminal)
{
    std::string table = audit_table(one_row("SELECT 1; \x1b]11;#ff0000\x07\x1b[2J"), Palette::plain());
    EXPECT_EQ(table.find('\x1b'), std::string::npos);
    EXPECT_EQ(table.find('\x07'), std::string::npos);
    EXPECT_NE(table.find("\\x1b]11;#ff0000\\x07\\x1b[2J"), std::string::npos) << table;
}

} // namespace
