#!/usr/bin/env bash
# Each Tests/python/*.py is a program valid in both CPython and trick: `trick FILE.py` (a script:
# only what it prints) must print exactly what `python3 FILE.py` prints. CPython is the witness.
# Usage: tests/python_parity.sh [path/to/trick]
set -u
BIN=${1:-.build/release/trick}
PY=$(command -v python3) || { echo "python_parity: no python3 on PATH"; exit 2; }
pass=0 fail=0
for f in Tests/python/*.py; do
    want=$("$PY" "$f" 2>&1); got=$("$BIN" "$f" 2>&1)
    if [ "$want" = "$got" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL: $f differs from CPython"; diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -20 | sed 's/^/    | /'
    fi
done
echo "python parity: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
