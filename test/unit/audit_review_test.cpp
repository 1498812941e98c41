// The review's parts that need no server: the deployment windows applied to the writes the
// server sends, the questions' parameters, and one JSON object per finding.
#include "audit/review.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace {

using redline::cli::QueryRows;
using redline::cli::ReviewSettings;

constexpr unsigned text_oid = 25;

// Writes as review_writes_query() returns them: id, at, ..., iso_weekday, second_of_day.
QueryRows writes(const std::vector<std::tuple<std::string, int, int>> &rows)
{
    QueryRows out;
    out.columns = {"id", "at", "event", "statement", "iso_weekday", "second_of_day"};
    out.types = {redline::cli::int8_oid, text_oid, text_oid, text_oid, redline::cli::int4_oid, redline::cli::int4_oid};
    for (const auto &[id, day, second] : rows)
        out.rows.push_back({id, "2026-11-24T10:00:00.000000+00:00", "write", "UPDATE t SET a = 1 WHERE id = " + id,
                            std::to_string(day), std::to_string(second)});
    return out;
}

TEST(AuditReview, WritesOutsideTheWindowsAreKeptWithTheirDay)
{
    auto windows = redline::cli::parse_windows("Tue-Thu 10:00-16:00");
    QueryRows outside = redline::cli::writes_outside(writes({{"1", 2, 11 * 3600},
                                                             {"2", 2, 16 * 3600 + 59},
                                                             {"3", 2, 16 * 3600 + 60},
                                                             {"4", 6, 12 * 3600},
                                                             {"5", 4, 9 * 3600 + 59 * 60}}),
                                                     windows);
    EXPECT_EQ(outside.columns, (std::vector<std::string>{"id", "day", "at", "event", "statement"}));
    ASSERT_EQ(outside.rows.size(), 3u);
    EXPECT_EQ(outside.rows[0][0], "3");
    EXPECT_EQ(outside.rows[0][1], "Tue");
    EXPECT_EQ(outside.rows[1][0], "4");
    EXPECT_EQ(outside.rows[1][1], "Sat");
    EXPECT_EQ(outside.rows[2][0], "5");
    EXPECT_EQ(outside.rows[2][1], "Thu");
}

TEST(AuditReview, QuestionsTakeTheirValuesAsParameters)
{
    ReviewSettings s;
    s.since_seconds = 86400;
    s.role = "x' OR true --";
    s.bulk_rows = 500;
    s.burst_count = 3;
    s.burst_seconds = 120;
    auto bulk = redline::cli::review_bulk_query(s);
    EXPECT_EQ(bulk.params, (std::vector<std::optional<std::string>>{"86400", s.role, "500"}));
    auto bursts = redline::cli::review_bursts_query(s);
    EXPECT_EQ(bursts.params, (std::vector<std::optional<std::string>>{"86400", s.role, "3", "120"}));
    auto roles = redline::cli::review_new_roles_query(s);
    EXPECT_EQ(roles.params.back(), "30");
    for (const auto &q : {redline::cli::review_writes_query(s), bulk, redline::cli::review_refusals_query(s),
                          redline::cli::review_new_addresses_query(s), roles, bursts})
        EXPECT_EQ(q.sql.find("OR true"), std::string::npos) << q.sql;
    ReviewSettings all;
    EXPECT_FALSE(redline::cli::review_refusals_query(all).params[1].has_value()) << "NULL: every role";
}

TEST(AuditReview, EveryQuestionUsesEachOfItsParameters)
{
    // The server refuses a statement with a parameter it cannot type, so each $n must appear.
    ReviewSettings s;
    for (const auto &q : {redline::cli::review_writes_query(s), redline::cli::review_bulk_query(s),
                          redline::cli::review_refusals_query(s), redline::cli::review_new_addresses_query(s),
                          redline::cli::review_new_roles_query(s), redline::cli::review_bursts_query(s),
                          redline::cli::review_context_query(s)})
        for (std::size_t n = 1; n <= q.params.size(); ++n)
            EXPECT_NE(q.sql.find("$" + std::to_string(n) + "::"), std::string::npos) << n << ": " << q.sql;
}

TEST(AuditReview, OneJsonObjectPerFinding)
{
    ReviewSettings s;
    s.windows = redline::cli::parse_windows("Mon-Fri 09:00-17:00");
    redline::cli::Review review;
    review.profile = "prod";
    review.context.columns = {"time_zone"};
    review.context.types = {text_oid};
    review.context.rows = {{std::string("Europe/Berlin")}};
    review.outside_window = redline::cli::writes_outside(writes({{"7", 6, 3600}, {"8", 7, 7200}}), s.windows);
    review.bursts.columns = {"kind", "who", "most_within", "failures"};
    review.bursts.types = {text_oid, text_oid, redline::cli::int8_oid, redline::cli::int8_oid};
    review.bursts.rows = {{std::string("role"), std::string("bob"), std::string("6"), std::string("9")}};

    std::istringstream lines(redline::cli::review_json_lines(review, s));
    std::vector<nlohmann::ordered_json> findings;
    for (std::string line; std::getline(lines, line);)
        findings.push_back(nlohmann::ordered_json::parse(line));
    ASSERT_EQ(findings.size(), 3u);
    EXPECT_EQ(findings[0].begin().key(), "finding");
    EXPECT_EQ(findings[0]["finding"], "write_outside_window");
    EXPECT_EQ(findings[0]["windows"], "Mon-Fri 09:00-17:00");
    EXPECT_EQ(findings[0]["time_zone"], "Europe/Berlin");
    EXPECT_EQ(findings[0]["id"], 7);
    EXPECT_EQ(findings[0]["day"], "Sat");
    EXPECT_EQ(findings[2]["finding"], "auth_failed_burst");
    EXPECT_EQ(findings[2]["who"], "bob");
    EXPECT_EQ(findings[2]["most_within"], 6);
    EXPECT_EQ(findings[2]["threshold_failures"], 5);
    EXPECT_EQ(findings[2]["within_seconds"], 600);
}

TEST(AuditReview, TheTextHasAHeadingAndACountPerQuestion)
{
    ReviewSettings s;
    s.windows = redline::cli::parse_windows("Tue-Thu 10:00-16:00");
    redline::cli::Review review;
    review.profile = "prod";
    review.outside_window = redline::cli::writes_outside(writes({{"7", 6, 3600}}), s.windows);
    std::string text = redline::cli::review_text(review, s, redline::cli::Palette::plain());
    for (const char *words : {"review of the audit log of profile prod",
                              "writes and DDL outside the deployment windows Tue-Thu "
                              "10:00-16:00",
                              "bulk writes (1000 rows or more): none", "refusals by role and SQLSTATE: none",
                              "client addresses not seen in the 7 days before the period: none",
                              "roles connecting for the first time in 30 days: none",
                              "failed-login bursts (5 or more within 10 minutes, by role or by address): none"})
        EXPECT_NE(text.find(words), std::string::npos) << words << "\n" << text;
    EXPECT_NE(text.find("  7   Sat  2026-11-24 10:00:00"), std::string::npos) << text;
}

} // namespace
