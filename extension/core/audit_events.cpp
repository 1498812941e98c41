// Names and defaults of the audit log's event classes.
#include "audit_events.hpp"
#include "cpp_only_file.hpp" // last: fails the build if a PostgreSQL header came in

namespace redline {

namespace {
constexpr NamedBit names[] = {
    {ev_connect, "connect"},
    {ev_disconnect, "disconnect"},
    {ev_auth_failed, "auth_failed"},
    {ev_ddl, "ddl"},
    {ev_write, "write"},
    {ev_refused, "refused"},
    {ev_unlock, "unlock"},
    {ev_approval_used, "approval_used"},
    {ev_policy_change, "policy_change"},
};
constexpr size_t nnames = sizeof names / sizeof names[0];
} // namespace

const char *audit_event_name(AuditEvent event) { return name_of(event, names, nnames); }

const char *audit_decision_name(AuditDecision decision)
{
    switch (decision) {
    case AuditDecision::allowed:
        return "allowed";
    case AuditDecision::refused:
        return "refused";
    case AuditDecision::rolled_back:
        return "rolled_back";
    case AuditDecision::failed:
        return "failed";
    }
    return "";
}

AuditParse parse_audit_events(std::string_view list) { return parse_name_list(list, names, nnames, all_audit_events); }

unsigned default_audit_events(Environment env, bool exempt)
{
    const unsigned quiet = ev_refused | ev_auth_failed | ev_policy_change;
    switch (env) {
    case Environment::production:
    case Environment::staging:
        return exempt ? quiet | ev_ddl : all_audit_events;
    case Environment::development:
    case Environment::local:
        return quiet;
    }
    return all_audit_events;
}

std::string all_audit_event_names() { return join_names(names, nnames); }

} // namespace redline
