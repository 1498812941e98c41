// redline audit --review: the weekly review rule 8 asks for, over one period. The server
// groups and counts (each question is one SELECT with parameters); the deployment windows are
// applied here, where they are unit-tested.
#pragma once

#include "audit/listing.hpp"
#include "audit/window.hpp"
#include "server/query.hpp"
#include "terminal/palette.hpp"

#include <string>

namespace redline::cli {

struct ReviewSettings {
    long long since_seconds = 7 * 86400;
    std::string role; // "" for every role
    DeploymentWindows windows;
    long long bulk_rows = 1000;    // a write of this many rows or more is a finding
    long long burst_count = 5;     // this many failed logins...
    long long burst_seconds = 600; // ...within this long, for one role or one address
    long long new_role_days = 30;  // a role is new when it did not connect for this long before the period
};

// Each question the review asks. $1 is the period in seconds, $2 the role (NULL for all).
// Writes and DDL that took effect, with each one's ISO weekday and second of the day in the
// session's time zone; the windows are applied by writes_outside().
ParamQuery review_writes_query(const ReviewSettings &settings);
// Writes of bulk_rows rows or more, whatever became of them.
ParamQuery review_bulk_query(const ReviewSettings &settings);
// Refusals (event refused or decision refused) counted by session role and SQLSTATE.
ParamQuery review_refusals_query(const ReviewSettings &settings);
// Client addresses that connected in the period and not in the period of the same length
// before it (a Unix-socket connection is "[local]").
ParamQuery review_new_addresses_query(const ReviewSettings &settings);
// Roles that connected in the period and not in the new_role_days before it.
ParamQuery review_new_roles_query(const ReviewSettings &settings);
// Roles and addresses with burst_count failed logins or more within burst_seconds.
ParamQuery review_bursts_query(const ReviewSettings &settings);
// When the period starts and ends, the session's time zone, the database, the audit
// database, the log's first row and the connections of the period before.
ParamQuery review_context_query(const ReviewSettings &settings);

// The rows of review_writes_query() outside every window, without the weekday and time
// columns the decision needed (a weekday column "day", Mon...Sun, takes their place).
QueryRows writes_outside(const QueryRows &writes, const DeploymentWindows &windows);

struct Review {
    std::string profile;
    QueryRows context; // review_context_query()'s one row
    QueryRows outside_window;
    QueryRows bulk;
    QueryRows refusals;
    QueryRows new_addresses;
    QueryRows new_roles;
    QueryRows bursts;
};

// The review for a person: a heading per question with its count, the rows under it.
std::string review_text(const Review &review, const ReviewSettings &settings, const Palette &palette);

// One JSON object per finding, each with a "finding" member first (write_outside_window,
// bulk_write, refusals, new_client_address, new_role, auth_failed_burst) and the thresholds
// that made it one; each ended by a newline.
std::string review_json_lines(const Review &review, const ReviewSettings &settings);

} // namespace redline::cli
