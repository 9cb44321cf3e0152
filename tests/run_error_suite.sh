#!/usr/bin/env bash
# The bad-program suite: every file in Tests/errors/ is one error situation. Its first line says
# what must happen:
#   # expect-error: LINE: message fragment   -> exit status 1, "FILE:LINE:COL: error:" on stderr
#                                               and the fragment somewhere in stderr
#   # expect-ok                               -> exit status 0 (empty inputs that are not errors)
# A run that is killed by a signal (a Swift trap, a stack overflow) or takes longer than the time
# limit always fails. Usage: tests/run_error_suite.sh [BIN] [DIR]
set -u
BIN=${1:-.build/release/trick}
DIR=${2:-Tests/errors}
LIMIT=${ERROR_SUITE_TIMEOUT:-20}
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL $1: $2"
    if [ -s "$tmp/err" ]; then sed 's/^/    | /' "$tmp/err" | head -12; fi
    failed=$((failed + 1))
}

for f in "$DIR"/*.trick; do
    [ -e "$f" ] || continue
    IFS= read -r first < "$f" || first=""
    if command -v timeout >/dev/null 2>&1; then
        timeout -s KILL "$LIMIT" "$BIN" run "$f" >"$tmp/out" 2>"$tmp/err" </dev/null
    else
        "$BIN" run "$f" >"$tmp/out" 2>"$tmp/err" </dev/null
    fi
    status=$?
    if [ "$status" -ge 128 ]; then
        fail "$f" "killed by signal $((status - 128)) (crash, or more than ${LIMIT}s)"
        continue
    fi
    case "$first" in
    "# expect-ok"*)
        if [ "$status" -ne 0 ]; then fail "$f" "expected success, got exit status $status"; continue; fi
        ;;
    "# expect-error:"*)
        spec=${first#"# expect-error:"}
        spec=${spec# }
        line=${spec%%:*}
        fragment=${spec#*:}
        fragment=${fragment# }
        if [ "$status" -ne 1 ]; then fail "$f" "expected exit status 1, got $status"; continue; fi
        if ! grep -q "error" "$tmp/err"; then fail "$f" "no 'error' on stderr"; continue; fi
        if ! grep -qF -- "$f:$line:" "$tmp/err"; then fail "$f" "no '$f:$line:' location on stderr"; continue; fi
        if ! grep -qF -- "$fragment" "$tmp/err"; then fail "$f" "message does not contain '$fragment'"; continue; fi
        ;;
    *)
        fail "$f" "first line must be '# expect-error: LINE: fragment' or '# expect-ok'"
        continue
        ;;
    esac
    passed=$((passed + 1))
done
echo "errors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
