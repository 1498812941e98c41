// Names and defaults of the audit log's event classes.
#include "audit_events.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace redline {

namespace {

constexpr std::array<std::pair<AuditEvent, const char *>, 9> names{{
    {ev_connect, "connect"},
    {ev_disconnect, "disconnect"},
    {ev_auth_failed, "auth_failed"},
    {ev_ddl, "ddl"},
    {ev_write, "write"},
    {ev_refused, "refused"},
    {ev_unlock, "unlock"},
    {ev_approval_used, "approval_used"},
    {ev_policy_change, "policy_change"},
}};

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

bool same_name(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

} // namespace

const char *audit_event_name(AuditEvent event)
{
    for (const auto &[bit, name] : names)
        if (bit == event)
            return name;
    return "";
}

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

AuditParse parse_audit_events(std::string_view list)
{
    AuditParse out;
    std::string_view whole = trim(list);
    if (same_name(whole, "auto")) {
        out.automatic = true;
        return out;
    }
    while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view item = trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (item.empty() || same_name(item, "none"))
            continue;
        if (same_name(item, "all")) {
            out.mask |= all_audit_events;
            continue;
        }
        bool known = false;
        for (const auto &[bit, name] : names) {
            if (same_name(item, name)) {
                out.mask |= bit;
                known = true;
            }
        }
        if (!known) {
            out.ok = false;
            out.bad_name = std::string(item);
            out.mask = 0;
            return out;
        }
    }
    return out;
}

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

std::string all_audit_event_names()
{
    std::string out;
    for (const auto &[bit, name] : names) {
        if (!out.empty())
            out += ", ";
        out += name;
    }
    return out;
}

} // namespace redline
