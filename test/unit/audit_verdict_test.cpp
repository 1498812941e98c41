// What redline audit --verify says: each problem verify_audit() reports, in words that name
// the row and say what to do, and the report's exit-worthy summary and JSON.
#include "audit/verdict.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace {

using redline::cli::BadRow;
using redline::cli::QueryRows;
using redline::cli::Verdict;
using redline::cli::VerifyResult;

QueryRows verify_row(bool ok, std::optional<std::string> bad_id, std::optional<std::string> problem)
{
    QueryRows rows;
    rows.columns = {"ok", "rows_checked", "lanes_checked", "first_bad_id", "problem", "detail"};
    rows.types = {
        redline::cli::bool_oid, redline::cli::int8_oid, redline::cli::int8_oid, redline::cli::int8_oid, 25, 25};
    rows.rows.push_back({ok ? "t" : "f", "120", "7", bad_id, problem,
                         problem ? std::optional<std::string>("row 42 does not match its hash") : std::nullopt});
    return rows;
}

BadRow row_42() { return BadRow{42, "2026-11-24T17:45:19.123456+01:00", "write", "alice", 40, 3}; }

TEST(AuditVerdict, ReadsVerifyAuditsRow)
{
    VerifyResult ok = redline::cli::verify_result(verify_row(true, std::nullopt, std::nullopt));
    EXPECT_TRUE(ok.ok);
    EXPECT_EQ(ok.rows_checked, 120);
    EXPECT_EQ(ok.lanes_checked, 7);
    EXPECT_FALSE(ok.first_bad_id.has_value());
    VerifyResult bad = redline::cli::verify_result(verify_row(false, "42", "changed"));
    EXPECT_FALSE(bad.ok);
    EXPECT_EQ(bad.first_bad_id, 42);
    EXPECT_EQ(bad.problem, "changed");
    EXPECT_THROW(redline::cli::verify_result(QueryRows{}), std::runtime_error);
}

TEST(AuditVerdict, ChangedNamesTheRowAndWhatItWas)
{
    VerifyResult bad = redline::cli::verify_result(verify_row(false, "42", "changed"));
    EXPECT_EQ(redline::cli::explain_problem(bad, row_42()),
              "row 42 (write by alice at 2026-11-24 17:45:19, lane 40, lane_seq 3) no longer matches its hash: its "
              "content (statement, roles, time, decision...) was changed after redline wrote it");
    EXPECT_EQ(redline::cli::explain_problem(bad, std::nullopt).rfind("row 42 no longer matches its hash", 0), 0u);
}

TEST(AuditVerdict, RemovedAndInserted)
{
    VerifyResult removed = redline::cli::verify_result(verify_row(false, "42", "removed"));
    EXPECT_EQ(
        redline::cli::explain_problem(removed, row_42()).rfind("rows are missing from lane 40 before row 42 (", 0), 0u);
    EXPECT_EQ(redline::cli::explain_problem(removed, std::nullopt),
              "row 42 is no longer in the table: it was deleted after redline wrote it")
        << "the server may name the removed row itself";
    VerifyResult inserted = redline::cli::verify_result(verify_row(false, "42", "inserted"));
    std::string words = redline::cli::explain_problem(inserted, row_42());
    EXPECT_NE(words.find("does not belong to its lane's hash chain: it was added to the table by something other "
                         "than redline's audit writer"),
              std::string::npos)
        << words;
    VerifyResult odd = redline::cli::verify_result(verify_row(false, "42", "\x1b[2Jodd"));
    EXPECT_EQ(redline::cli::explain_problem(odd, std::nullopt),
              "redline.verify_audit() reports \"\\x1b[2Jodd\" at row 42");
}

TEST(AuditVerdict, ALinkedTableIsNamedAsSuch)
{
    VerifyResult linked = redline::cli::verify_result(verify_row(false, std::nullopt, "linked"));
    std::string words = redline::cli::explain_problem(linked, std::nullopt);
    EXPECT_EQ(words.rfind("redline.audit_log is linked to another table by inheritance or partitioning: ", 0), 0u)
        << words;
    EXPECT_NE(words.find("switched off"), std::string::npos) << words;
}

TEST(AuditVerdict, AdviceSaysWhoCouldAndWhatToDo)
{
    std::string advice = redline::cli::tamper_advice("prod");
    for (const char *words : {"superuser", "redline.enforce = off", "pg_dump -t redline.audit_log",
                              "redline audit prod --event policy_change", "server log"})
        EXPECT_NE(advice.find(words), std::string::npos) << words;
}

TEST(AuditVerdict, ATamperedReportNamesTheRowEverywhere)
{
    Verdict v;
    v.profile = "prod";
    v.database = "shop";
    v.verify = redline::cli::verify_result(verify_row(false, "42", "changed"));
    v.bad_row = row_42();
    v.pin_file = "/home/a/.config/redline/audit-pins/prod.heads";
    EXPECT_FALSE(v.intact());
    std::string text = redline::cli::verdict_text(v, redline::cli::Palette::plain());
    EXPECT_NE(text.find("TAMPERED"), std::string::npos) << text;
    EXPECT_NE(text.find("row 42 (write by alice"), std::string::npos) << text;
    EXPECT_NE(text.find("the server says: row 42 does not match its hash"), std::string::npos) << text;
    EXPECT_NE(text.find("were kept as they were"), std::string::npos) << text;
    std::string summary = redline::cli::verdict_summary(v);
    EXPECT_EQ(summary.rfind("the audit log of profile prod (database shop) was tampered with: row 42 ", 0), 0u)
        << summary;
    auto json = nlohmann::json::parse(redline::cli::verdict_json(v));
    EXPECT_FALSE(json["ok"].get<bool>());
    EXPECT_EQ(json["first_bad_id"], 42);
    EXPECT_EQ(json["problem"], "changed");
}

TEST(AuditVerdict, PinBreaksAloneMakeTheLogTampered)
{
    Verdict v;
    v.profile = "prod";
    v.verify = redline::cli::verify_result(verify_row(true, std::nullopt, std::nullopt));
    v.pins_checked = 3;
    redline::cli::PinBreak b;
    b.kind = redline::cli::PinBreak::Kind::tail_removed;
    b.pinned = {5, 9, std::string(64, 'a')};
    b.last_seq = 7;
    v.pin_breaks.push_back(b);
    EXPECT_FALSE(v.intact()) << "verify_audit() cannot see rows cut from a lane's end; the pins can";
    std::string text = redline::cli::verdict_text(v, redline::cli::Palette::plain());
    EXPECT_NE(text.find("every hash chain is intact"), std::string::npos) << text;
    EXPECT_NE(text.find("pinned lane heads: 3 checked: 1 no longer in place"), std::string::npos) << text;
    EXPECT_NE(text.find("lane 5 now ends at lane_seq 7"), std::string::npos) << text;
    EXPECT_NE(redline::cli::verdict_summary(v).find("lane 5 now ends at lane_seq 7"), std::string::npos);
    auto json = nlohmann::json::parse(redline::cli::verdict_json(v));
    EXPECT_FALSE(json["ok"].get<bool>());
    EXPECT_EQ(json["pins"]["broken"][0]["kind"], "tail_removed");
}

TEST(AuditVerdict, AnIntactLogSaysWhereItPinnedItsHeads)
{
    Verdict v;
    v.profile = "prod";
    v.verify = redline::cli::verify_result(verify_row(true, std::nullopt, std::nullopt));
    v.pinned = 7;
    v.pin_file = "/p/prod.heads";
    EXPECT_TRUE(v.intact());
    EXPECT_EQ(redline::cli::verdict_summary(v), "");
    std::string text = redline::cli::verdict_text(v, redline::cli::Palette::plain());
    EXPECT_EQ(text, "verify_audit(): 120 rows in 7 lanes checked: every hash chain is intact\n"
                    "pinned lane heads: none yet for profile prod\n"
                    "pinned 7 lane heads in /p/prod.heads: the next --verify checks that they are still there\n");
}

} // namespace
