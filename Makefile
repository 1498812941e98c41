# Builds and installs the redline server extension with PGXS.
# The version lives in extension/redline.control only.

EXTENSION  = redline
EXTVERSION = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" extension/redline.control)
MODULE_big = redline

# The layers (docs/architecture.md): core/ is pure C++ and also built by CMakeLists.txt,
# which reads the PURE_SRCS line.
PURE_SRCS  = environment.cpp refusal_where.cpp refusal_rows.cpp refusal_lock.cpp refusal_approval.cpp store_format.cpp redact.cpp protected_ops.cpp refusal_audit.cpp audit_events.cpp audit_hash.cpp name_list.cpp token_check.cpp proc_text.cpp
PG_SRCS    = pg/boundary.cpp pg/statement_depth.cpp pg/setting_walk.cpp pg/refusal_pg.cpp pg/session_role.cpp pg/session_origin.cpp pg/scratch_tables.cpp \
             settings/settings.cpp store/cluster_store.cpp \
             guards/guard_where.cpp guards/row_budget.cpp guards/every_row.cpp guards/session_lock.cpp guards/guard_lock.cpp \
             guards/approvals.cpp guards/recycle_bin.cpp guards/ddl_classify.cpp guards/guard_audit_table.cpp guards/facts.cpp guards/guard_table.cpp \
             guards/token_exposure.cpp \
             hooks/module.cpp hooks/hook_analyze.cpp hooks/hook_planner.cpp hooks/hook_executor.cpp \
             hooks/hook_utility.cpp hooks/hook_access.cpp hooks/hook_fmgr.cpp hooks/hook_log.cpp \
             audit/audit_queue.cpp audit/audit_table.cpp audit/audit_log.cpp audit/audit_statement.cpp \
             audit/audit_worker.cpp audit/policy_watch.cpp \
             sql/sql_status.cpp sql/sql_keys.cpp sql/sql_ddl.cpp sql/sql_audit.cpp sql/selftest.cpp
# The token library (token/), shared with the CLI: keys, PASERK, PASETO, claims, checks.
TOKEN_SRCS = base64url.cpp claims.cpp constant_time.cpp footer.cpp keys.cpp paserk.cpp paseto.cpp \
             rfc3339.cpp strict_json.cpp session_check.cpp duration.cpp
OBJS       = $(addprefix extension/core/,$(PURE_SRCS:.cpp=.o)) $(addprefix extension/,$(PG_SRCS:.cpp=.o)) $(addprefix token/,$(TOKEN_SRCS:.cpp=.o))

DATA       = $(wildcard sql/redline--*.sql)
# The control file lives in extension/; PGXS installs $(EXTENSION).control from the top.
EXTRA_CLEAN = redline.control

# Three suites, each on its own cluster (test/run): the guards with the write lock and
# approvals off, the write lock itself (lock_*: require_token at its production default,
# postgres exempt, people connecting as locked roles), and approvals of protected
# operations (approve_*: redline.protected at its production default, for every role).
ALL_TESTS    = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
LOCK_TESTS   = $(filter lock_%,$(ALL_TESTS))
APPROVE_TESTS = $(filter approve_%,$(ALL_TESTS))
REGRESS      = $(filter-out lock_% approve_%,$(ALL_TESTS))
REGRESS_OPTS = --inputdir=test --load-extension=redline

EXTENSION_LAYERS = core pg settings store guards hooks audit sql

PG_CONFIG ?= pg_config
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wno-register -Wno-unused-parameter \
              -Wno-missing-field-initializers -DFMT_HEADER_ONLY \
              -DREDLINE_VERSION='"$(EXTVERSION)"'
ifeq ($(ERROR_ON_WARNING),1)
PG_CXXFLAGS += -Werror
endif
SHLIB_LINK = -lstdc++ -lcrypto -lsodium

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Server headers are not ours to warn about.
override CPPFLAGS := $(patsubst -I%,-isystem %,$(filter -I%,$(CPPFLAGS))) $(filter-out -I%,$(CPPFLAGS)) $(addprefix -I$(srcdir)/extension/,$(EXTENSION_LAYERS)) -I$(srcdir)/token
COMPILE.cxx.bc += $(PG_CXXFLAGS)

redline.control: extension/redline.control
	cp $< $@

all: redline.control

$(OBJS): $(wildcard extension/*/*.hpp)

# The write-lock suite: make installcheck-lock; the approvals suite: make installcheck-approve
# (each needs its own cluster, see test/run).
installcheck-lock: REGRESS = $(LOCK_TESTS)
installcheck-lock: installcheck
installcheck-approve: REGRESS = $(APPROVE_TESTS)
installcheck-approve: installcheck
.PHONY: installcheck-lock installcheck-approve
