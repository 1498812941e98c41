// The audit log's event classes (rule 8): their names, the bits redline.audit keeps them
// as, and what each environment records by default for people and for exempt roles. Pure C++.
#pragma once

#include "environment.hpp"
#include "name_list.hpp"

#include <string>
#include <string_view>

namespace redline {

enum AuditEvent : unsigned {
    ev_connect = 1u << 0,
    ev_disconnect = 1u << 1,
    ev_auth_failed = 1u << 2,
    ev_ddl = 1u << 3,
    ev_write = 1u << 4,
    ev_refused = 1u << 5,
    ev_unlock = 1u << 6,
    ev_approval_used = 1u << 7,
    ev_policy_change = 1u << 8,
};
inline constexpr unsigned all_audit_events = (1u << 9) - 1;

// "connect" for ev_connect; "" for anything else.
const char *audit_event_name(AuditEvent event);

// What became of the event: a row's decision column.
enum class AuditDecision { allowed, refused, rolled_back, failed };
const char *audit_decision_name(AuditDecision decision);

// A comma-separated list ("ddl, write"; "all" is every class): see parse_name_list().
using AuditParse = NameListParse;
AuditParse parse_audit_events(std::string_view list);

// Production and staging record everything for people; exempt (application) roles write
// constantly, so for them only DDL, refusals, failed logins and policy changes. Development
// and local record refusals, failed logins and policy changes.
unsigned default_audit_events(Environment env, bool exempt);

// "connect, disconnect, ..." for messages.
std::string all_audit_event_names();

} // namespace redline
