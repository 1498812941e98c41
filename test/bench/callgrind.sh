#!/usr/bin/env bash
# Counts the instructions redline adds to one statement: postgres --single under callgrind
# runs N and then 2N copies of a statement; the difference over N cancels start-up, so the
# figure is per statement. Compared: no extension, redline (an exempt application role, then
# a human session unlocked by a session token: write lock, WHERE guard and row budget all
# on), redline auditing every event of the exempt role (redline.audit = all: each write one
# hash-chained row in its transaction), pgaudit with pgaudit.log = 'none', and pgaudit logging
# writes and DDL. Instruction counts are repeatable, unlike time.
# The token is verified once, at the session's first statement, like any session's.
# Usage: test/bench/callgrind.sh [N, default 2000]
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
n=${1:-2000}
command -v valgrind >/dev/null || { echo "callgrind.sh needs valgrind (apt-get install valgrind)" >&2; exit 1; }
work=$(mktemp -d /tmp/redline-callgrind.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

minter=$REDLINE_ROOT/build/redline_test_token
[ -x "$minter" ] || { echo "callgrind.sh needs $minter (cmake --build build)" >&2; exit 1; }
init_cluster "$work" 25510 "shared_preload_libraries = 'redline'" "redline.exempt_roles = 'postgres'"
start_cluster "$work"
public=$("$minter" keygen "$work/key")
psql -X -q -h "$work" -p 25510 -U postgres -d postgres <<SQL
CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL);
INSERT INTO t SELECT g, 0 FROM generate_series(1, 1000) g;
CREATE EXTENSION redline;
SELECT redline.enroll_key('postgres', '$public', 'bench');
SQL
cid=$(psql -X -At -h "$work" -p 25510 -U postgres -d postgres -c 'SHOW redline.cluster_id')
stop_cluster "$work"
# Every run starts from this copy: the UPDATE runs leave dead row versions behind that
# would make every later run slower than the one before.
cp -a "$work/data" "$work/pristine"

# instructions CONF STATEMENT COUNT: total Ir of a single-user backend running COUNT statements
instructions() {
    local conf=${1//@TOKEN@/$("$minter" mint "$work/key" --sub postgres --env production --cid "$cid" --ttl 3600)}
    local stmt=$2 count=$3 out
    rm -rf "$work/data"
    cp -a "$work/pristine" "$work/data"
    out=$(mktemp -p "$work" cg.XXXXXX)
    chown postgres: "$out"
    yes "$stmt" | head -n "$count" |
        as_postgres valgrind --tool=callgrind --callgrind-out-file="$out" \
            "$PG_BIN/postgres" --single -D "$work/data" $conf postgres >/dev/null 2>&1
    callgrind_annotate "$out" 2>/dev/null | sed -n 's/^\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,
}

per_statement() {
    local a b
    a=$(instructions "$1" "$2" "$n")
    b=$(instructions "$1" "$2" $((2 * n)))
    echo $(((b - a) / n))
}

declare -A confs=(
    [vanilla]="-c shared_preload_libraries="
    [redline_exempt]="-c shared_preload_libraries=redline -c redline.exempt_roles=postgres"
    [redline_unlocked]="-c shared_preload_libraries=redline -c redline.exempt_roles= -c redline.session_token=@TOKEN@"
    [redline_audit_all]="-c shared_preload_libraries=redline -c redline.exempt_roles=postgres -c redline.audit=all"
    [pgaudit_none]="-c shared_preload_libraries=pgaudit -c pgaudit.log=none"
    [pgaudit_write]="-c shared_preload_libraries=pgaudit -c pgaudit.log=write,ddl"
)
declare -A stmts=(
    [select]="SELECT v FROM t WHERE id = 42;"
    [update]="UPDATE t SET v = v + 1 WHERE id = 42;"
)

printf '%-18s %14s %14s\n' "instructions/stmt" "SELECT" "UPDATE"
declare -A ir
for c in vanilla redline_exempt redline_unlocked redline_audit_all pgaudit_none pgaudit_write; do
    for s in select update; do
        ir[$c-$s]=$(per_statement "${confs[$c]}" "${stmts[$s]}")
    done
    printf '%-18s %14s %14s\n' "$c" "${ir[$c-select]}" "${ir[$c-update]}"
done
echo
for c in redline_exempt redline_unlocked redline_audit_all pgaudit_none pgaudit_write; do
    awk -v c="$c" -v s="${ir[$c-select]}" -v s0="${ir[vanilla-select]}" -v u="${ir[$c-update]}" -v u0="${ir[vanilla-update]}" \
        'BEGIN { printf "%-18s %+13.2f%% %+13.2f%%\n", c, 100 * (s - s0) / s0, 100 * (u - u0) / u0 }'
done
