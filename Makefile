# Builds and installs the redline server extension with PGXS.
# The version lives in extension/redline.control only.

EXTENSION  = redline
EXTVERSION = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" extension/redline.control)
MODULE_big = redline

# One line: CMakeLists.txt reads it.
PURE_SRCS  = environment.cpp refusal_where.cpp refusal_rows.cpp refusal_lock.cpp refusal_approval.cpp store_format.cpp redact.cpp protected_ops.cpp refusal_audit.cpp audit_events.cpp audit_hash.cpp name_list.cpp
PG_SRCS    = module.cpp boundary.cpp settings.cpp session_role.cpp scratch_tables.cpp \
             refusal_pg.cpp guard_where.cpp row_budget.cpp cluster_store.cpp session_lock.cpp \
             guard_lock.cpp token_check.cpp approvals.cpp recycle_bin.cpp ddl_classify.cpp \
             hook_analyze.cpp hook_planner.cpp hook_executor.cpp hook_utility.cpp hook_access.cpp \
             sql_status.cpp sql_keys.cpp sql_ddl.cpp selftest.cpp \
             audit_queue.cpp audit_table.cpp audit_log.cpp audit_statement.cpp audit_worker.cpp \
             guard_audit_table.cpp sql_audit.cpp
# The token library (token/), shared with the CLI: keys, PASERK, PASETO, claims, checks.
TOKEN_SRCS = base64url.cpp claims.cpp constant_time.cpp footer.cpp keys.cpp paserk.cpp paseto.cpp \
             rfc3339.cpp strict_json.cpp session_check.cpp duration.cpp
OBJS       = $(addprefix extension/,$(PURE_SRCS:.cpp=.o) $(PG_SRCS:.cpp=.o)) $(addprefix token/,$(TOKEN_SRCS:.cpp=.o))

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
override CPPFLAGS := $(patsubst -I%,-isystem %,$(filter -I%,$(CPPFLAGS))) $(filter-out -I%,$(CPPFLAGS)) -I$(srcdir)/extension -I$(srcdir)/token
COMPILE.cxx.bc += $(PG_CXXFLAGS)

redline.control: extension/redline.control
	cp $< $@

all: redline.control

$(OBJS): $(wildcard extension/*.hpp)

# The write-lock suite: make installcheck-lock; the approvals suite: make installcheck-approve
# (each needs its own cluster, see test/run).
installcheck-lock: REGRESS = $(LOCK_TESTS)
installcheck-lock: installcheck
installcheck-approve: REGRESS = $(APPROVE_TESTS)
installcheck-approve: installcheck
.PHONY: installcheck-lock installcheck-approve
