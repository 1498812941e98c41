#!/usr/bin/env bash
# Measures redline's cost on the statement path: pgbench (prepared) against a vanilla server,
# redline (as an exempt application role, as a guarded human role, and with every write of
# the application audited into redline.audit_log) and pgaudit (pgaudit.log = 'write, ddl'),
# one cluster each. The runs are interleaved over several rounds
# and the median TPS is reported, so drift on a shared machine hits every configuration alike.
# Usage: test/bench/pgbench.sh [seconds per run, default 10] [rounds, default 3] [scale, default 10]
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
secs=${1:-10}
rounds=${2:-3}
scale=${3:-10}
work=$(mktemp -d /tmp/redline-bench.XXXXXX)
chmod 755 "$work"
trap 'for d in "$work"/*/; do stop_cluster "$d"; done; rm -rf "$work"' EXIT

declare -A tps
run() { # run NAME PORT ROLE MODE(-S or "")
    local dir=$work/$1 port=$2 role=$3 mode=$4
    pgbench -h "$dir" -p "$port" -U "$role" -n -M prepared -c 2 -j 2 -T "$secs" $mode bench 2>/dev/null |
        sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
setup() { # setup NAME PORT PRELOAD CONF...
    local name=$1 port=$2 preload=$3
    shift 3
    init_cluster "$work/$name" "$port" "shared_preload_libraries = '$preload'" "max_connections = 20" "$@"
    start_cluster "$work/$name"
    psql -X -q -h "$work/$name" -p "$port" -U postgres -d postgres -c 'CREATE DATABASE bench' \
        -c 'CREATE ROLE app LOGIN' -c 'CREATE ROLE human LOGIN'
    pgbench -h "$work/$name" -p "$port" -U postgres -i -q -s "$scale" bench >/dev/null 2>&1
    psql -X -q -h "$work/$name" -p "$port" -U postgres -d bench \
        -c 'GRANT ALL ON ALL TABLES IN SCHEMA public TO app, human'
}

setup vanilla 25501 ''
# pgbench -i builds its primary keys on a table larger than production's max_rewrite_size:
# the approval that would take is not what is measured, so that guard is off here.
# The human role runs with the write lock off: a session token is single-use and pgbench
# opens several connections. Its cost per statement (one comparison with the token's
# expiry) is measured by callgrind.sh; here the WHERE guard and the row budget are on.
setup redline 25502 redline "redline.exempt_roles = 'app'" "redline.require_token = none" "redline.protected = none" \
    "redline.max_rewrite_size = 0"
setup pgaudit 25503 pgaudit "pgaudit.log = 'write, ddl'"
# Every write audited: the application role records all event classes (its default leaves
# writes out), each write statement one hash-chained row in the same transaction.
setup audited 25504 redline "redline.exempt_roles = 'app'" "redline.require_token = none" "redline.protected = none" \
    "redline.max_rewrite_size = 0"
psql -X -q -h "$work/audited" -p 25504 -U postgres -d bench -c 'CREATE EXTENSION redline' \
    -c "ALTER ROLE app SET redline.audit = 'all'"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A samples
for round in $(seq "$rounds"); do
    for mode in select tpcb; do
        flag=$([ $mode = select ] && echo -S || echo "")
        samples[vanilla-$mode]+="$(run vanilla 25501 app "$flag") "
        samples[exempt-$mode]+="$(run redline 25502 app "$flag") "
        samples[human-$mode]+="$(run redline 25502 human "$flag") "
        samples[pgaudit-$mode]+="$(run pgaudit 25503 app "$flag") "
        samples[audited-$mode]+="$(run audited 25504 app "$flag") "
    done
done
for key in "${!samples[@]}"; do
    tps[$key]=$(echo "${samples[$key]}" | tr ' ' '\n' | grep . | median)
done

printf '\n%-30s %12s %12s\n' "median TPS ($rounds x $secs s, scale $scale)" "select-only" "tpc-b"
for who in vanilla exempt human audited pgaudit; do
    printf '%-30s %12.0f %12.0f\n' "$who" "${tps[$who-select]}" "${tps[$who-tpcb]}"
done
echo
for who in exempt human audited pgaudit; do
    awk -v w="$who / vanilla" -v a="${tps[$who-select]}" -v b="${tps[vanilla-select]}" \
        -v c="${tps[$who-tpcb]}" -v d="${tps[vanilla-tpcb]}" 'BEGIN { printf "%-30s %12.3f %12.3f\n", w, a / b, c / d }'
done
awk -v a="${tps[audited-tpcb]}" -v b="${tps[pgaudit-tpcb]}" \
    'BEGIN { printf "%-30s %12s %12.3f\n", "audited / pgaudit", "", a / b }'
rows=$(psql -X -At -h "$work/audited" -p 25504 -U postgres -d bench -c "SELECT count(*) FROM redline.audit_log WHERE event = 'write'")
echo "audit rows written by the audited runs: $rows"
ok=$(psql -X -At -h "$work/audited" -p 25504 -U postgres -d bench -c 'SELECT ok FROM redline.verify_audit()')
echo "verify_audit() over them: $ok"
