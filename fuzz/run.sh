#!/usr/bin/env bash
# Builds the token fuzz target (libFuzzer, ASan, UBSan, clang 14) in build-fuzz/ and runs it
# for at most SECONDS seconds from the seeds in fuzz/corpus/. Exits non-zero on any crash.
set -uo pipefail

seconds=${1:-}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: fuzz/run.sh SECONDS" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"

fail() {
    echo "fuzz: FAILED $*"
    exit 1
}

mkdir -p "$build"
# A build directory, never part of the repository, whatever the top-level .gitignore says.
[ -f "$build/.gitignore" ] || echo '*' >"$build/.gitignore"

# The tests and their dependencies are not needed to fuzz; optimised with debug info so a
# crash has a readable stack.
if ! CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -DREDLINE_FUZZ=ON -DBUILD_TESTING=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/configure.log" 2>&1; then
    cat "$build/configure.log"
    fail "configuring build-fuzz (log above; clang-14 and libclang-rt-14-dev installed?)"
fi
if ! cmake --build "$build" --target token_fuzz -j2 >"$build/build.log" 2>&1; then
    tail -n 40 "$build/build.log"
    fail "building token_fuzz (log above)"
fi

# libFuzzer adds what it finds to the first directory; the committed seeds stay untouched.
corpus="$build/corpus"
artifacts="$build/artifacts"
mkdir -p "$corpus" "$artifacts"
rm -f "$artifacts"/*
log="$build/fuzz.log"
"$build/token_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "$root/fuzz/corpus" >"$log" 2>&1
status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
found=$(find "$artifacts" -type f | head -n 1)
if [ "$status" -ne 0 ] || [ -n "$found" ]; then
    grep -E -A 30 'ERROR|runtime error|property violated|deadly signal' "$log" | head -n 60
    fail "exit status $status after ${runs:-?} runs; input saved as ${found:-none} (full log: $log)"
fi
echo "fuzz: ok (${runs:-0} runs)"
