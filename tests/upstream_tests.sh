#!/usr/bin/env bash
# The reference libraries' own unit-test files run under `trick test`. Which files, and where the
# local copies come from, is Tests/upstream/FILES.txt; the copies live outside the repository
# (UPSTREAM_SRC, default ../upstream-src: <library>/<their path>, fetched from the libraries'
# repositories at the recorded commits — fetched sources are never committed). A machine without
# them (CI) prints that and passes. Tests out of trick's scope (CUDA, files on disk, distributed,
# APIs trick does not claim) are deselected by Tests/upstream/SKIPS.txt, each with its reason.
# Prints a table (file, passed, failed, skipped) and compares the passed counts with the committed
# Tests/upstream/EXPECTED.txt: fewer passing fails (a regression); more passing also fails until
# the file is updated (UPDATE=1 rewrites it), so the README's table stays true.
# Usage: tests/upstream_tests.sh [path/to/trick]   (UPDATE=1 to rewrite EXPECTED.txt; VERBOSE=1
# to show each failure)
set -u
BIN=${1:-.build/release/trick}
DIR=${UPSTREAM_SRC:-../upstream-src}
SKIPS=Tests/upstream/SKIPS.txt
EXPECTED=Tests/upstream/EXPECTED.txt
FILES=Tests/upstream/FILES.txt
if [ ! -d "$DIR" ]; then
    echo "upstream: no local copy of the upstream test files at $DIR (UPSTREAM_SRC); skipped — see $FILES"
    exit 0
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
results=$(mktemp)
trap 'rm -f "$results"' EXIT
printf '%-78s %6s %6s %7s\n' file passed failed skipped
tp=0 tf=0 ts=0
for rel in $(grep -v '^\s*#' "$FILES"); do
    f=$DIR/$rel
    if [ ! -f "$f" ]; then printf '%-78s %s\n' "$rel" "(not in $DIR)"; continue; fi
    # SKIPS.txt lines: `<file under Tests/upstream>::<test id>  # <reason>`
    args=()
    while IFS= read -r id; do args+=(--deselect "$id"); done < <(
        grep -v '^\s*#' "$SKIPS" | sed -n "s|^$rel::\([^ #]*\).*|\1|p")
    out=$("$BIN" test "${args[@]}" "$f" 2>&1)
    counts=$(printf '%s\n' "$out" | sed -n "s|^$f: \([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}$|\1 \2 \4|p" | tail -1)
    if [ -z "$counts" ]; then
        # the file did not get to its tests (an error at import time): show why
        p=0 fl=0 s=0; note="  (did not load: $(printf '%s\n' "$out" | grep -m1 -E 'Error|error' | cut -c1-90))"
    else
        read -r p fl s <<< "$counts"; s=${s:-0}; note=""
    fi
    [ "${VERBOSE:-0}" = 1 ] && printf '%s\n' "$out" | grep -A12 '^FAILED'
    printf '%-78s %6d %6d %7d%s\n' "$rel" "$p" "$fl" "$s" "$note"
    echo "$rel $p" >> "$results"
    tp=$((tp + p)); tf=$((tf + fl)); ts=$((ts + s))
done
printf '%-78s %6d %6d %7d\n' total "$tp" "$tf" "$ts"
if [ "${UPDATE:-0}" = 1 ]; then
    { echo "# passed tests per upstream file under trick (tests/upstream_tests.sh; UPDATE=1 rewrites)"; cat "$results"; } > "$EXPECTED"
    echo "upstream: wrote $EXPECTED"; exit 0
fi
status=0
while read -r rel p; do
    want=$(sed -n "s|^$rel \([0-9]*\)$|\1|p" "$EXPECTED")
    if [ -z "$want" ]; then echo "upstream: $rel is not in $EXPECTED (run with UPDATE=1)"; status=1
    elif [ "$p" -lt "$want" ]; then echo "upstream: REGRESSION in $rel: $p passed, $want expected"; status=1
    elif [ "$p" -gt "$want" ]; then echo "upstream: $rel now passes $p (was $want): update $EXPECTED (UPDATE=1)"; status=1
    fi
done < "$results"
[ "$status" -eq 0 ] && echo "upstream: passed counts match $EXPECTED"
exit $status
