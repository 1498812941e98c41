// What redline audit lists: the nine event classes and their validation, and the listing's
// SQL, whose filters travel as parameters and never as part of the statement.
#include "audit/listing.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using redline::cli::AuditFilter;
using redline::cli::listing_query;
using redline::cli::parse_event_classes;

std::string event_error(const std::string &text)
{
    try {
        parse_event_classes(text);
    } catch (const std::invalid_argument &e) {
        return e.what();
    }
    return "";
}

TEST(AuditEvents, TheNineClasses)
{
    EXPECT_EQ(redline::cli::audit_event_class_list(),
              "connect, disconnect, auth_failed, ddl, write, refused, unlock, approval_used, policy_change");
    for (const std::string &name : redline::cli::audit_event_classes())
        EXPECT_EQ(parse_event_classes(name), std::vector<std::string>{name});
}

TEST(AuditEvents, ACommaSeparatedListKeepsItsOrderOnce)
{
    EXPECT_EQ(parse_event_classes("ddl,write"), (std::vector<std::string>{"ddl", "write"}));
    EXPECT_EQ(parse_event_classes(" refused , auth_failed,refused"),
              (std::vector<std::string>{"refused", "auth_failed"}));
}

TEST(AuditEvents, UnknownOrEmptyClassesAreRefusedWithTheList)
{
    std::string error = event_error("write,deletes");
    EXPECT_NE(error.find("\"deletes\" is not an event class: the classes are connect, disconnect"), std::string::npos)
        << error;
    EXPECT_NE(event_error("WRITE").find("\"WRITE\" is not an event class"), std::string::npos)
        << "the classes are the server's exact names";
    EXPECT_NE(event_error("write,").find("an empty event class in \"write,\""), std::string::npos);
    EXPECT_NE(event_error("").find("an empty event class"), std::string::npos);
}

TEST(AuditListing, EveryFilterIsAParameter)
{
    AuditFilter filter;
    filter.since_seconds = 3600;
    filter.role = "o'brien\"; DROP TABLE x; --";
    filter.events = {"write", "ddl"};
    auto query = listing_query(filter);
    ASSERT_EQ(query.params.size(), 3u);
    EXPECT_EQ(query.params[0], "3600");
    EXPECT_EQ(query.params[1], filter.role);
    EXPECT_EQ(query.params[2], "{\"write\",\"ddl\"}");
    EXPECT_EQ(query.sql.find("o'brien"), std::string::npos) << "the role is never part of the SQL";
    EXPECT_EQ(query.sql.find("DROP"), std::string::npos);
    EXPECT_NE(query.sql.find("$1::bigint"), std::string::npos);
    EXPECT_NE(query.sql.find("$2::text"), std::string::npos);
    EXPECT_NE(query.sql.find("a.event = ANY ($3::text[])"), std::string::npos);
}

TEST(AuditListing, NoFilterIsEveryRoleAndEveryClass)
{
    auto query = listing_query(AuditFilter{});
    EXPECT_EQ(query.params[0], std::to_string(7 * 86400)) << "a week by default";
    EXPECT_FALSE(query.params[1].has_value()) << "NULL: every role";
    EXPECT_EQ(query.params[2], "{\"connect\",\"disconnect\",\"auth_failed\",\"ddl\",\"write\",\"refused\","
                               "\"unlock\",\"approval_used\",\"policy_change\"}")
        << "the nine classes, which leaves the server's seal rows out";
}

TEST(AuditListing, EveryColumnOfTheTableOldestFirstWithAnIsoTimestamp)
{
    auto query = listing_query(AuditFilter{});
    for (const std::string &column : redline::cli::audit_columns()) {
        bool selected = query.sql.find("a." + column + ",") != std::string::npos ||
                        query.sql.find(" AS " + column + " ") != std::string::npos ||
                        query.sql.find(" AS " + column + ",") != std::string::npos;
        EXPECT_TRUE(selected) << column;
    }
    EXPECT_EQ(redline::cli::audit_columns().size(), 23u);
    EXPECT_NE(query.sql.find("'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM'"), std::string::npos);
    EXPECT_NE(query.sql.find("ORDER BY a.at, a.id"), std::string::npos) << "by the timestamp, not its text";
}

} // namespace
