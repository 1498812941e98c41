// Tests redline.audit's event classes: names, lists, and what each environment records for
// people and for exempt application roles; and the wording of the append-only refusal.
#include "audit_events.hpp"
#include "refusal.hpp"
#include "sqlstate.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace redline;

TEST(AuditEvents, NamesAreTheDocumentedOnes)
{
    EXPECT_STREQ(audit_event_name(ev_connect), "connect");
    EXPECT_STREQ(audit_event_name(ev_auth_failed), "auth_failed");
    EXPECT_STREQ(audit_event_name(ev_approval_used), "approval_used");
    EXPECT_STREQ(audit_event_name(ev_policy_change), "policy_change");
    EXPECT_EQ(all_audit_event_names(),
              "connect, disconnect, auth_failed, ddl, write, refused, unlock, approval_used, policy_change");
    EXPECT_STREQ(audit_decision_name(AuditDecision::rolled_back), "rolled_back");
}

TEST(AuditEvents, ParsesLists)
{
    AuditParse p = parse_audit_events(" ddl , refused,,write ");
    EXPECT_TRUE(p.ok);
    EXPECT_FALSE(p.automatic);
    EXPECT_EQ(p.mask, unsigned(ev_ddl | ev_refused | ev_write));
    EXPECT_EQ(parse_audit_events("all").mask, all_audit_events);
    EXPECT_EQ(parse_audit_events("none").mask, 0u);
    EXPECT_EQ(parse_audit_events("").mask, 0u);
    EXPECT_TRUE(parse_audit_events("auto").automatic);
    EXPECT_TRUE(parse_audit_events(" auto ").automatic);
    EXPECT_FALSE(parse_audit_events("DDL").ok) << "names are lower case, as for redline.protected";
}

TEST(AuditEvents, AnUnknownNameInvalidatesTheList)
{
    AuditParse p = parse_audit_events("ddl, writes");
    EXPECT_FALSE(p.ok);
    EXPECT_EQ(p.bad_name, "writes");
    EXPECT_EQ(p.mask, 0u);
}

TEST(AuditEvents, ProductionRecordsEverythingForPeopleAndLessForApplications)
{
    EXPECT_EQ(default_audit_events(Environment::production, false), all_audit_events);
    unsigned app = default_audit_events(Environment::production, true);
    EXPECT_EQ(app, unsigned(ev_ddl | ev_refused | ev_auth_failed | ev_policy_change));
    EXPECT_EQ(app & ev_write, 0u);
    EXPECT_EQ(default_audit_events(Environment::staging, false), all_audit_events);
    unsigned dev = default_audit_events(Environment::development, false);
    EXPECT_NE(dev & ev_refused, 0u);
    EXPECT_EQ(dev & ev_write, 0u);
}

TEST(AuditRefusal, SaysWhatWhyAndTheSafeWay)
{
    Refusal r = refuse_audit_change("UPDATE");
    EXPECT_STREQ(r.sqlstate, sqlstate::audit_append_only);
    EXPECT_EQ(r.message, "UPDATE on redline.audit_log refused: the audit log is append-only");
    EXPECT_NE(r.detail.find("redline.verify_audit()"), std::string::npos);
    EXPECT_NE(r.hint.find("SELECT * FROM redline.audit_log"), std::string::npos);
    EXPECT_NE(r.hint.find("redline approve PROFILE --op drop_table --object redline.audit_log"), std::string::npos);
}

TEST(AuditRefusal, TheLogIsNeverLinkedToAnotherTable)
{
    Refusal r = refuse_audit_link("ALTER TABLE public.t INHERIT redline.audit_log");
    EXPECT_STREQ(r.sqlstate, sqlstate::audit_append_only);
    EXPECT_EQ(r.message, "ALTER TABLE public.t INHERIT redline.audit_log refused: redline.audit_log is never a "
                         "parent, child or partition of another table");
    EXPECT_NE(r.detail.find("as if redline had written them"), std::string::npos);
    EXPECT_NE(r.hint.find("CREATE TABLE audit_copy (LIKE redline.audit_log)"), std::string::npos);
    EXPECT_NE(r.hint.find("FROM ONLY redline.audit_log"), std::string::npos);
}

TEST(AuditRefusal, ItsSchemaKeepsItsName)
{
    Refusal r = refuse_audit_schema_rename("redline");
    EXPECT_STREQ(r.sqlstate, sqlstate::audit_append_only);
    EXPECT_EQ(r.message, "ALTER SCHEMA redline RENAME refused: redline.audit_log must stay where redline finds it");
    EXPECT_NE(r.hint.find("CREATE VIEW"), std::string::npos);
}

} // namespace
