// Defines every redline.* setting. Policy settings are PGC_SUSET or PGC_SIGHUP, so no
// ordinary role can relax them (SET, set_config(), PGOPTIONS, ALTER ROLE, a function's
// SET clause), while a DBA can still scope them with ALTER ROLE/DATABASE ... SET.
//
// A leaf: nothing here calls into the guards or the audit. Assign hooks only store values and
// advance policy_generation, which the caches elsewhere compare; check hooks only parse.
#include "settings.hpp"
#include "audit_events.hpp"
#include "protected_ops.hpp"

extern "C" {
#include "access/parallel.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/plancache.h"
}

namespace redline::settings {

bool enforce = true;
int environment = static_cast<int>(Environment::production);
char *exempt_roles = nullptr;
int expect_rows = -1;
bool expect_pending = false;
int token_max_ttl = 3600;
char *strong_auth_methods = nullptr;
bool audit_parameters = false;
int audit_wait_ms = 2000;
char *audit_database = nullptr;
int audit_queue_size = 256;
uint64 policy_generation = 1;
bool session_token_waiting = false;
const char *presented_approval_tokens = nullptr;

namespace {

char *waiting_session_token = nullptr; // malloc'd; wiped before it is freed

char *audit_setting = nullptr;
bool audit_automatic = true;
unsigned audit_mask = 0;

char *color_setting = nullptr;
int require_where_setting = -1;    // -1 auto, 0 off, 1 on
int max_rows_setting = -1;         // -1 auto
int require_token_setting = -1;    // -1 auto, else a TokenRequirement
int recycle_bin_setting = -1;      // -1 auto, 0 off, 1 on
int max_rewrite_size_setting = -1; // kB; -1 auto
int ddl_lock_timeout_setting = -1; // ms; -1 auto
char *session_token_setting = nullptr;
char *approval_token_setting = nullptr;
char *protected_setting = nullptr;
bool protected_automatic = true;
unsigned protected_mask = 0;
char *cluster_id_setting = nullptr;

const struct config_enum_entry environment_options[] = {
    {"production", static_cast<int>(Environment::production), false},
    {"staging", static_cast<int>(Environment::staging), false},
    {"development", static_cast<int>(Environment::development), false},
    {"local", static_cast<int>(Environment::local), false},
    {nullptr, 0, false},
};

const struct config_enum_entry switch_options[] = {
    {"auto", -1, false}, {"on", 1, false}, {"off", 0, false}, {"true", 1, true}, {"false", 0, true},
    {"yes", 1, true},    {"no", 0, true},  {"1", 1, true},    {"0", 0, true},    {nullptr, 0, false},
};

const struct config_enum_entry require_token_options[] = {
    {"auto", -1, false},
    {"none", static_cast<int>(TokenRequirement::none), false},
    {"write", static_cast<int>(TokenRequirement::write), false},
    {"connect", static_cast<int>(TokenRequirement::connect), false},
    {nullptr, 0, false},
};

// Plans cached while a guard was off must not outlive it: a change of a setting that
// decides what a plan may do invalidates every cached plan of this backend.
void invalidate_plans_int(int, void *)
{
    ResetPlanCache();
    policy_generation++;
}
void invalidate_plans_bool(bool, void *)
{
    ResetPlanCache();
    policy_generation++;
}

// Every other policy setting: what it decides is read afresh by the caches that compare
// policy_generation.
void note_policy_int(int, void *) { policy_generation++; }
void note_policy_bool(bool, void *) { policy_generation++; }
void note_policy_string(const char *, void *) { policy_generation++; }

// A colour derived from the environment changes with it, but PostgreSQL only reports a
// setting to clients when that setting itself is set: note it, and set the colour again
// (same value, lowest-priority source) at the session's next statement.
bool derived_color_changed = false;

void assign_environment(int, void *)
{
    policy_generation++;
    ResetPlanCache();
    derived_color_changed = true;
}

void assign_expect_rows(int newval, void *) { expect_pending = newval >= 0; }

bool check_color(char **newval, void **, GucSource)
{
    if (*newval == nullptr || valid_color(*newval))
        return true;
    GUC_check_errdetail("A colour is one of red, orange, yellow, green, blue, purple, gray, none, or #rrggbb.");
    return false;
}

const char *show_color() { return color(); }

// The cluster's system identifier, as tokens carry it in their "cid" claim.
const char *show_cluster_id()
{
    static char text[32];
    snprintf(text, sizeof text, UINT64_FORMAT, GetSystemIdentifier());
    return text;
}

// Tokens are taken out of their setting the moment it is set: the stored value is always
// empty (SHOW, pg_settings and ALTER ROLE ... SET never hold it) and the token travels in
// the setting's private "extra", which only redline reads.
bool check_token_setting(char **newval, void **extra, GucSource)
{
    if (*newval == nullptr || (*newval)[0] == '\0')
        return true;
    size_t len = strlen(*newval);
    auto *copy = static_cast<char *>(malloc(len + 1));
    char *empty = static_cast<char *>(malloc(1));
    if (copy == nullptr || empty == nullptr) {
        free(copy);
        free(empty);
        return false;
    }
    memcpy(copy, *newval, len + 1);
    explicit_bzero(*newval, len);
    free(*newval);
    empty[0] = '\0';
    *newval = empty;
    *extra = copy;
    return true;
}

void drop_waiting_token()
{
    if (waiting_session_token == nullptr)
        return;
    explicit_bzero(waiting_session_token, strlen(waiting_session_token));
    free(waiting_session_token);
    waiting_session_token = nullptr;
}

// A session token waits here for the write lock (take_session_token()) and is wiped in the
// extra, so that restoring an older value can never present it twice.
void assign_session_token(const char *, void *extra)
{
    auto *token = static_cast<char *>(extra);
    if (token == nullptr || token[0] == '\0')
        return;
    drop_waiting_token();
    waiting_session_token = strdup(token);
    session_token_waiting = waiting_session_token != nullptr;
    explicit_bzero(token, strlen(token));
}

const char *show_session_token() { return ""; }

// Approval tokens stay in the extra for as long as the setting holds them (SET LOCAL ends
// with the transaction).
void assign_approval_token(const char *, void *extra) { presented_approval_tokens = static_cast<const char *>(extra); }

// Plain-data island: whether `list` is valid for `parse`, and if not the unknown name and
// the valid ones.
bool list_valid(NameListParse (*parse)(std::string_view), std::string (*all_names)(), const char *list, char *bad,
                size_t bad_size, char *names, size_t names_size) noexcept
{
    try {
        NameListParse parsed = parse(list != nullptr ? list : "");
        if (parsed.ok)
            return true;
        strlcpy(bad, parsed.bad_name.c_str(), bad_size);
        strlcpy(names, all_names().c_str(), names_size);
    } catch (...) {
        strlcpy(bad, "?", bad_size);
        names[0] = '\0';
    }
    return false;
}

bool check_protected(char **newval, void **, GucSource)
{
    static char bad[128];
    static char names[256];
    if (list_valid(parse_protected_ops, all_protected_op_names, *newval, bad, sizeof bad, names, sizeof names))
        return true;
    GUC_check_errdetail("Unknown operation \"%s\"; the operations are: %s.", bad, names);
    return false;
}

void assign_protected(const char *newval, void *)
{
    policy_generation++;
    try {
        ProtectedParse parsed = parse_protected_ops(newval != nullptr ? newval : "");
        protected_automatic = parsed.automatic;
        protected_mask = parsed.mask;
    } catch (...) {
        protected_automatic = true; // the safe reading: the environment's default
    }
}

bool check_audit(char **newval, void **, GucSource)
{
    static char bad[128];
    static char names[256];
    if (!list_valid(parse_audit_events, all_audit_event_names, *newval, bad, sizeof bad, names, sizeof names)) {
        GUC_check_errdetail("Unknown event class \"%s\"; the classes are: %s, or all, none, auto.", bad, names);
        return false;
    }
    return true;
}

void assign_audit(const char *newval, void *)
{
    policy_generation++;
    try {
        AuditParse parsed = parse_audit_events(newval != nullptr ? newval : "");
        audit_automatic = parsed.automatic || !parsed.ok;
        audit_mask = parsed.mask;
    } catch (...) {
        audit_automatic = true; // the environment's default, never less
    }
}

} // namespace

char *take_session_token()
{
    char *token = waiting_session_token;
    waiting_session_token = nullptr;
    session_token_waiting = false;
    return token;
}

unsigned audit_events(bool exempt)
{
    return audit_automatic ? default_audit_events(current_environment(), exempt) : audit_mask;
}

Environment current_environment() { return static_cast<Environment>(environment); }

namespace {
bool compute_require_where()
{
    if (require_where_setting >= 0)
        return require_where_setting == 1;
    return environment_defaults(current_environment()).require_where;
}

int compute_max_rows()
{
    if (max_rows_setting >= 0)
        return max_rows_setting;
    return environment_defaults(current_environment()).max_rows;
}
} // namespace

Effective effective{0, true, 1000};

void refresh_effective()
{
    effective.require_where = compute_require_where();
    effective.max_rows = compute_max_rows();
    effective.generation = policy_generation;
}

const char *color()
{
    if (color_setting != nullptr && color_setting[0] != '\0')
        return color_setting;
    return environment_defaults(current_environment()).color;
}

void report_derived_color()
{
    // In parallel mode a setting cannot change (a parallel worker, or a leader running a
    // parallel plan): the report waits for the session's next statement outside it.
    if (!derived_color_changed || !IsTransactionState() || IsInParallelMode())
        return;
    derived_color_changed = false;
    if (color_setting != nullptr && color_setting[0] != '\0')
        return; // an explicit colour did not change
    (void)set_config_option("redline.color", "", PGC_SIGHUP, PGC_S_DYNAMIC_DEFAULT, GUC_ACTION_SET, true, WARNING,
                            false);
}

TokenRequirement require_token()
{
    if (require_token_setting >= 0)
        return static_cast<TokenRequirement>(require_token_setting);
    return environment_defaults(current_environment()).require_token;
}

int max_rewrite_size_kb()
{
    if (max_rewrite_size_setting >= 0)
        return max_rewrite_size_setting;
    return current_environment() == Environment::production ? 100 * 1024 : 0;
}

int ddl_lock_timeout_ms()
{
    if (ddl_lock_timeout_setting >= 0)
        return ddl_lock_timeout_setting;
    return current_environment() == Environment::production ? 5000 : 0;
}

bool recycle_bin()
{
    if (recycle_bin_setting >= 0)
        return recycle_bin_setting == 1;
    return current_environment() == Environment::production;
}

unsigned protected_ops() { return protected_automatic ? default_protected_ops(current_environment()) : protected_mask; }

void define()
{
    DefineCustomEnumVariable(
        "redline.environment", "Which environment this cluster is: production, staging, development or local.",
        "Reported to every client at connect. Each environment has its own defaults; production turns every guard on.",
        &environment, static_cast<int>(Environment::production), environment_options, PGC_SIGHUP, GUC_REPORT, nullptr,
        assign_environment, nullptr);

    DefineCustomStringVariable(
        "redline.color", "The colour clients paint sessions of this cluster with.",
        "Empty means the environment's colour: production red, staging orange, development green, local none.",
        &color_setting, "", PGC_SIGHUP, GUC_REPORT, check_color, nullptr, show_color);

    DefineCustomBoolVariable("redline.enforce", "Whether redline enforces its guards at all.",
                             "Only a configuration change and reload can switch redline off; SET cannot.", &enforce,
                             true, PGC_SIGHUP, 0, nullptr, invalidate_plans_bool, nullptr);

    DefineCustomStringVariable(
        "redline.exempt_roles",
        "Login roles of applications: exempt from the row budget and the write lock, never asked for tokens.",
        "A comma-separated list of role names. Exemption follows the login role: SET ROLE never grants it.",
        &exempt_roles, "", PGC_SUSET, GUC_LIST_INPUT, nullptr, note_policy_string, nullptr);

    DefineCustomEnumVariable("redline.require_where",
                             "Refuse UPDATE, DELETE and MERGE that do not restrict their target rows.",
                             "auto takes the environment's default (on everywhere but local).", &require_where_setting,
                             -1, switch_options, PGC_SUSET, 0, nullptr, invalidate_plans_int, nullptr);

    DefineCustomIntVariable(
        "redline.max_rows", "Most rows one statement of a non-exempt role may change without a stated count.",
        "-1 takes the environment's default (production 1000, staging 10000); 0 turns the budget off.",
        &max_rows_setting, -1, -1, INT_MAX, PGC_SUSET, 0, nullptr, note_policy_int, nullptr);

    DefineCustomIntVariable(
        "redline.expect_rows", "The exact row count the next data-changing statement must have.",
        "Meant for SET LOCAL. Used by the next INSERT, UPDATE, DELETE or MERGE only; -1 states nothing.", &expect_rows,
        -1, -1, INT_MAX, PGC_USERSET, GUC_NOT_IN_SAMPLE, nullptr, assign_expect_rows, nullptr);

    DefineCustomEnumVariable(
        "redline.require_token", "What a session of a non-exempt role needs a session token for.",
        "none, write (read-only until unlocked) or connect (nothing but unlock until unlocked); auto takes the "
        "environment's default (production write, elsewhere none).",
        &require_token_setting, -1, require_token_options, PGC_SIGHUP, 0, nullptr, invalidate_plans_int, nullptr);

    DefineCustomStringVariable(
        "redline.session_token", "Presents a session token (PASETO v4.public) that unlocks this session.",
        "Set it with PGOPTIONS='-c redline.session_token=...' or SET. The token is used once and never stored: "
        "this setting always reads back empty.",
        &session_token_setting, "", PGC_USERSET,
        GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_NO_RESET_ALL | GUC_DISALLOW_IN_FILE, check_token_setting,
        assign_session_token, show_session_token);

    DefineCustomStringVariable(
        "redline.protected", "Operations that need a second person's approval token, for every role.",
        "A list of drop_table, drop_schema, drop_database, drop_column, drop_extension, truncate, alter_system, "
        "drop_role; none; or auto, the environment's default (production: all of them).",
        &protected_setting, "auto", PGC_SIGHUP, GUC_LIST_INPUT, check_protected, assign_protected, nullptr);

    DefineCustomIntVariable(
        "redline.max_rewrite_size",
        "Largest table an ALTER TABLE may rewrite or scan (or CREATE INDEX build on) without "
        "approval.",
        "-1 takes the environment's default (production 100MB, elsewhere 0); 0 turns the check off.",
        &max_rewrite_size_setting, -1, -1, INT_MAX, PGC_SIGHUP, GUC_UNIT_KB, nullptr, note_policy_int, nullptr);

    DefineCustomIntVariable("redline.ddl_lock_timeout", "lock_timeout for DDL, unless the session set a shorter one.",
                            "-1 takes the environment's default (production 5s, elsewhere 0); 0 turns it off.",
                            &ddl_lock_timeout_setting, -1, -1, INT_MAX, PGC_SIGHUP, GUC_UNIT_MS, nullptr,
                            note_policy_int, nullptr);

    DefineCustomEnumVariable(
        "redline.recycle_bin",
        "An approved DROP TABLE moves the table to schema redline_recycle instead of destroying it.",
        "auto takes the environment's default (on in production). Also keeps the values of a "
        "dropped column there.",
        &recycle_bin_setting, -1, switch_options, PGC_SIGHUP, 0, nullptr, note_policy_int, nullptr);

    DefineCustomStringVariable(
        "redline.approval_token",
        "Presents approval tokens (comma-separated) for the protected operations that follow.",
        "Each token approves one operation on one object, is signed by a member of redline_approver other than the "
        "user, and is used once. This setting always reads back empty.",
        &approval_token_setting, "", PGC_USERSET,
        GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_NO_RESET_ALL | GUC_DISALLOW_IN_FILE, check_token_setting,
        assign_approval_token, show_session_token);

    DefineCustomIntVariable("redline.token_max_ttl", "Longest lifetime (exp - iat) a session token may have.",
                            "A token minted for longer is refused, however valid its signature.", &token_max_ttl, 3600,
                            10, 86400, PGC_SIGHUP, GUC_UNIT_S, nullptr, note_policy_int, nullptr);

    DefineCustomStringVariable(
        "redline.strong_auth_methods",
        "Authentication methods (RFC 8176 amr values) a session token must carry one of.",
        "Empty accepts any method. Example: 'fpt,face,hwk' demands a fingerprint, a face or a hardware key.",
        &strong_auth_methods, "", PGC_SIGHUP, GUC_LIST_INPUT, nullptr, note_policy_string, nullptr);

    DefineCustomStringVariable(
        "redline.audit", "Which events redline.audit_log records.",
        "A comma-separated list of connect, disconnect, auth_failed, ddl, write, refused, unlock, approval_used, "
        "policy_change; or all, none, auto. auto takes the environment's default: in production and staging "
        "everything for people, and ddl, refused, auth_failed, policy_change for exempt roles.",
        &audit_setting, "auto", PGC_SUSET, GUC_LIST_INPUT, check_audit, assign_audit, nullptr);

    DefineCustomBoolVariable("redline.audit_parameters",
                             "Whether audit rows include the values bound to a statement's parameters.",
                             "Off by default: parameter values often carry personal data.", &audit_parameters, false,
                             PGC_SUSET, 0, nullptr, note_policy_bool, nullptr);

    DefineCustomStringVariable(
        "redline.audit_database",
        "The database whose redline.audit_log receives the events of databases without the extension.",
        "Also failed logins, and policy changes made by a configuration reload.", &audit_database, "postgres",
        PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);

    DefineCustomIntVariable("redline.audit_queue_size",
                            "Events the shared audit queue holds on their way to the audit writer.",
                            "When it is full, a session waits up to redline.audit_wait for room; then the event goes "
                            "to the server log and is counted as diverted.",
                            &audit_queue_size, 256, 16, 65536, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);

    DefineCustomIntVariable("redline.audit_wait",
                            "How long a session waits for the audit writer to make an event durable.",
                            "Refusals, failed logins and rolled-back attempts wait until their row is committed, at "
                            "most this long; then the event goes to the server log.",
                            &audit_wait_ms, 2000, 0, 60000, PGC_SIGHUP, GUC_UNIT_MS, nullptr, note_policy_int, nullptr);

    DefineCustomStringVariable("redline.cluster_id", "This cluster's system identifier, as tokens carry it (cid).",
                               nullptr, &cluster_id_setting, "", PGC_INTERNAL, GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
                               nullptr, nullptr, show_cluster_id);

    MarkGUCPrefixReserved("redline");
}

} // namespace redline::settings
