#!/usr/bin/env bash
# PostgreSQL's own core regression suite and pgaudit's regression suite, each run twice: on
# a vanilla cluster and on a cluster with redline loaded and relaxed. redline must change
# no result: each test passes, or fails on both clusters with the same output. Sources come
# from Debian's source packages and are cached (with the built test library) in
# $REDLINE_UPSTREAM_CACHE, default /var/cache/redline-ci. Needs root (apt, runuser).
# Ends with one line: "upstream: N passed, N failed" (one test of a suite is one count).
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"

CACHE=${REDLINE_UPSTREAM_CACHE:-/var/cache/redline-ci}
# A suite that hangs must not eat the CI run: each pg_regress run has a time limit (the core
# suite takes about 2 minutes here, pgaudit's 10 seconds), so the whole step ends within
# 2 * (480 + 120) s = 20 minutes whatever happens.
CORE_TIMEOUT=480
PGAUDIT_TIMEOUT=120

# "Relaxed": redline loaded with every hook installed and enforcing, in the environment
# whose defaults guard nothing a test suite trips over (local: no WHERE rule, no row
# budget, no token, no protected operations, no recycle bin, no DDL lock timeout).
RELAXED="redline.environment = local"

passed=0
failed=0
fail() { echo "not ok: $*"; failed=$((failed + 1)); }
finish() {
    echo "upstream: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

# The archive's source lists, when the machine has only binary ones: a deb-src entry for
# each deb entry it already uses (same mirrors, suites and keys).
has_sources() { [ -n "$(apt-cache showsrc postgresql-15 2>/dev/null | sed -n '/^Version:/p')" ]; }
ensure_source_lists() {
    has_sources && return 0
    local list=/etc/apt/sources.list.d/redline-deb-src.sources
    {
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] && [ "$f" != "$list" ] && sed -e 's/^Types:.*\bdeb\b.*/Types: deb-src/' "$f" && echo
        done
    } >"$list.new"
    if grep -q '^Types: deb-src' "$list.new"; then mv "$list.new" "$list"; else rm -f "$list.new"; fi
    if grep -q '^deb ' /etc/apt/sources.list 2>/dev/null; then
        sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >/etc/apt/sources.list.d/redline-deb-src.list
    fi
    apt-get update -qq >/dev/null 2>&1
    has_sources
}

# fetch_orig SOURCE_PACKAGE VERSION DIR: downloads the source package into DIR and prints
# the path of its upstream tarball. The tests are taken from the upstream tarball: Debian's
# patches to these packages change paths and packaging, not the test suites.
fetch_orig() {
    local pkg=$1 version=$2 dir=$3 orig
    mkdir -p "$dir"
    (cd "$dir" && apt-get source --download-only -qq -o APT::Sandbox::User=root "$pkg=$version" >/dev/null 2>&1)
    orig=$(ls "$dir"/*.orig.tar.* 2>/dev/null | head -n 1)
    [ -n "$orig" ] && echo "$orig"
}

# candidates BINARY_PACKAGE: source versions to try, the installed one first.
candidates() {
    local installed src
    installed=$(dpkg-query -W -f='${source:Version}' "$1" 2>/dev/null)
    src=$(apt-cache showsrc "$1" 2>/dev/null | sed -n 's/^Package: //p' | head -n 1)
    [ -n "$src" ] || return 0
    {
        [ -n "$installed" ] && echo "$installed"
        apt-cache showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -rV
    } | awk '!seen[$0]++' | sed "s/^/$src /"
}

# source_tree BINARY_PACKAGE MEMBER...: the cached directory holding MEMBERs (paths inside
# the upstream tarball) of the installed version's source, or when the archive no longer
# serves it, of the newest version it does serve; printed as its path.
source_tree() {
    local binary=$1 pkg version dir orig top
    shift
    while read -r pkg version; do
        dir="$CACHE/$pkg/$version"
        [ -f "$dir/ready" ] && { echo "$dir"; return 0; }
        rm -rf "$dir"
        if orig=$(fetch_orig "$pkg" "$version" "$dir/download"); then
            top=$(tar tf "$orig" | sed -n '1s,/.*,,p')
            mkdir -p "$dir/tree"
            if tar xf "$orig" -C "$dir/tree" --strip-components=1 "${@/#/$top/}"; then
                rm -rf "$dir/download"
                touch "$dir/ready"
                echo "$dir"
                return 0
            fi
        fi
        rm -rf "$dir"
    done < <(candidates "$binary")
    return 1
}

# The C functions the core suite loads (regress.so, and contrib/spi's refint and autoinc for
# the triggers test), built once per source version and server version.
build_test_library() {
    local src=$1 server lib
    server=$("$PG_BIN/pg_config" --version | tr -c 'A-Za-z0-9.\n' '_')
    lib="$src/lib-$server"
    if [ ! -f "$lib/regress.so" ]; then
        rm -rf "$lib" && mkdir -p "$lib"
        cp "$src/tree/src/test/regress/regress.c" "$src/tree/contrib/spi/refint.c" "$src/tree/contrib/spi/autoinc.c" "$lib/"
        printf 'MODULES = regress refint autoinc\nPGXS := $(shell $(PG_CONFIG) --pgxs)\ninclude $(PGXS)\n' >"$lib/Makefile"
        make -s -C "$lib" PG_CONFIG="$PG_BIN/pg_config" with_llvm=no >"$lib/build.log" 2>&1 || {
            cat "$lib/build.log"
            rm -rf "$lib"
            return 1
        }
    fi
    echo "$lib"
}

# run_suite OUT SECONDS INPUTDIR [pg_regress options] -- [postgresql.conf lines]: one
# pg_regress run on a throwaway cluster; its output goes to OUT/pg_regress.txt, its results
# to OUT. Fails when the run was stopped at its time limit.
run_suite() {
    local out=$1 limit=$2 inputdir=$3 opts=() conf=() work port status
    shift 3
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1") && shift; done
    shift
    conf=("$@")
    work=$(mktemp -d /tmp/redline-upstream.XXXXXX)
    chmod 755 "$work"
    port=$((20000 + RANDOM % 20000))
    init_cluster "$work" "$port" "${conf[@]}"
    start_cluster "$work"
    mkdir -p "$out"
    chown postgres: "$out"
    local t0
    t0=$(date +%s)
    as_postgres timeout "$limit" "$PG_BIN/../lib/pgxs/src/test/regress/pg_regress" \
        --bindir="$PG_BIN" --host="$work" --port="$port" --user=postgres \
        --inputdir="$inputdir" --outputdir="$out" "${opts[@]}" >"$out/pg_regress.txt" 2>&1
    status=$?
    echo "$status" >"$out/status"
    echo "$(basename "$out"): $(($(date +%s) - t0)) s"
    stop_cluster "$work"
    cp "$work/server.log" "$out/server.log"
    rm -rf "$work"
    if [ "$status" -eq 124 ]; then
        fail "$(basename "$out"): stopped after $limit s"
        return 1
    fi
}

# Test name and result ("ok", "FAILED", "failed (ignored)") of each test a run reported.
results() { sed -n 's/^\(test \|[[:space:]]*\)\([^[:space:]]*\)[[:space:]]*\.\.\. \(ok\|FAILED\|failed (ignored)\).*/\2 \3/p' "$1/pg_regress.txt" | sort; }

# compare TITLE VANILLA REDLINE: one count per test; the same result on both clusters
# passes, and so does a test failing on both with the same output.
compare() {
    local title=$1 vanilla=$2 redline=$3 name v r both_failed=()
    if [ -z "$(results "$vanilla")" ]; then
        fail "$title: the vanilla run reported no test (status $(cat "$vanilla/status"))"
        tail -n 20 "$vanilla/pg_regress.txt"
        return
    fi
    if grep -E 'terminated by signal|server process .* was terminated' "$redline/server.log"; then
        fail "$title: a backend crashed on the cluster with redline"
    fi
    if [ -z "$(results "$redline")" ]; then
        fail "$title: the run with redline reported no test (status $(cat "$redline/status"))"
        tail -n 20 "$redline/pg_regress.txt" "$redline/server.log"
        return
    fi
    while read -r name; do
        v=$(results "$vanilla" | awk -v n="$name" '$1 == n { $1 = ""; print substr($0, 2) }')
        r=$(results "$redline" | awk -v n="$name" '$1 == n { $1 = ""; print substr($0, 2) }')
        if [ "$v" = ok ] && [ "$r" = ok ]; then
            passed=$((passed + 1))
        elif [ -n "$v" ] && [ "$v" = "$r" ] && cmp -s "$vanilla/results/$name.out" "$redline/results/$name.out"; then
            both_failed+=("$name")
            passed=$((passed + 1))
        else
            fail "$title $name: vanilla ${v:-not run}, with redline ${r:-not run}"
            diff -u --label "vanilla/$name.out" --label "redline/$name.out" \
                "$vanilla/results/$name.out" "$redline/results/$name.out" 2>&1 | head -n 60
        fi
    done < <({ results "$vanilla"; results "$redline"; } | cut -d' ' -f1 | sort -u)
    echo "$title: $(results "$vanilla" | wc -l) tests compared"
    [ ${#both_failed[@]} -gt 0 ] && echo "$title: failing on vanilla too, with the same output: ${both_failed[*]}"
}

started=$(date +%s)
if [ "$(id -u)" -ne 0 ]; then
    fail "test/upstream/run.sh needs root (apt-get source, clusters run as postgres)"
    finish
fi
mkdir -p "$CACHE"
chmod 755 "$CACHE"
if ! ensure_source_lists; then
    fail "the archive lists no source packages (deb-src)"
    finish
fi
out=$(mktemp -d /tmp/redline-upstream-results.XXXXXX)
chmod 755 "$out"

echo "== PostgreSQL core regression suite (vanilla, then redline loaded and relaxed)"
if ! core=$(source_tree postgresql-15 src/test/regress contrib/spi); then
    fail "no postgresql-15 source package could be downloaded"
elif ! lib=$(build_test_library "$core"); then
    fail "regress.so did not build against the installed server headers"
else
    echo "sources: $core ($("$PG_BIN/postgres" --version))"
    core_opts=(--dlpath="$lib" --schedule="$core/tree/src/test/regress/parallel_schedule" --max-concurrent-tests=20)
    run_suite "$out/core-vanilla" $CORE_TIMEOUT "$core/tree/src/test/regress" "${core_opts[@]}" -- \
        "shared_preload_libraries = ''" &&
        run_suite "$out/core-redline" $CORE_TIMEOUT "$core/tree/src/test/regress" "${core_opts[@]}" -- \
            "shared_preload_libraries = 'redline'" "$RELAXED" &&
        compare core "$out/core-vanilla" "$out/core-redline"
fi

echo "== pgaudit regression suite (pgaudit alone, then with redline loaded and relaxed)"
if ! audit=$(source_tree postgresql-15-pgaudit sql expected); then
    fail "no pgaudit source package could be downloaded"
else
    echo "sources: $audit"
    run_suite "$out/pgaudit-vanilla" $PGAUDIT_TIMEOUT "$audit/tree" pgaudit -- "shared_preload_libraries = 'pgaudit'" &&
        run_suite "$out/pgaudit-redline" $PGAUDIT_TIMEOUT "$audit/tree" pgaudit -- \
            "shared_preload_libraries = 'redline,pgaudit'" "$RELAXED" &&
        compare pgaudit "$out/pgaudit-vanilla" "$out/pgaudit-redline"
fi

# REDLINE_UPSTREAM_KEEP=1 keeps each run's results, diffs and server log.
if [ "${REDLINE_UPSTREAM_KEEP:-0}" = 1 ]; then echo "results kept in $out"; else rm -rf "$out"; fi
echo "upstream suites took $(($(date +%s) - started)) s"
finish
