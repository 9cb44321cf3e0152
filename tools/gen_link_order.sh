#!/bin/bash
# The link order of trick's functions (Sources/trick/trick.order, read by the linker through
# Package.swift): every function a start of trick runs, then those the interpreter micro-suite
# (bench/interp) runs, as callgrind records them. Placed together at the front of the binary,
# a start maps ~1 MB of contiguous code instead of pages all over the 15 MB text section (issue 15:
# peak memory). A stale list only costs memory: functions it no longer names land after the
# listed ones. Run after larger changes: `make link-order` (which relinks trick).
# Usage: tools/gen_link_order.sh [TRICK_BIN] [OUT]
set -euo pipefail
BIN=${1:-.build/release/trick}
OUT=${2:-Sources/trick/trick.order}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Valgrind 3.19 cannot read the DWARF 5 that Swift 6 writes: profile a copy without it.
objcopy --strip-debug "$BIN" "$tmp/trick"
profile() {  # profile NAME ARGS...
    local name=$1; shift
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/$name.cg" "$tmp/trick" "$@" >/dev/null 2>"$tmp/$name.log" ||
        { cat "$tmp/$name.log" >&2; exit 1; }
    # Names appear once as `fn=(id) name` or `cfn=(id) name`; unnamed addresses are left out.
    grep -oE '^c?fn=\([0-9]+\) .*' "$tmp/$name.cg" | sed -E 's/^c?fn=\([0-9]+\) //' | grep -v '^0x' | sort -u > "$tmp/$name.fns"
}
profile startup -c 'print(1 + 1)'
cp "$tmp/startup.fns" "$tmp/all"
for f in bench/interp/*.py; do
    w=$(basename "$f" .py)
    { cat "$f"; echo; echo 'print(work())'; } > "$tmp/$w.py"
    profile "$w" run "$tmp/$w.py"
    sort -u "$tmp/all" "$tmp/$w.fns" -o "$tmp/all"
done
# lld places each listed function's whole input section. Trick's own modules and the Swift
# runtime's C++ are compiled with a section per function; the prebuilt standard library keeps
# most of its code in one 1.6 MB section, ArgumentParser and Foundation in one per file. A name in
# one of those would pull the whole section into the middle of the list and push the functions
# listed after it behind 1.6 MB of code, so they come last: first what is trick's own (its
# modules, and generic code specialised for them, which is emitted into their objects), then
# C and C++, then the rest; start-up functions first in each group.
# The VM's dispatch loop is listed first (a stale habit, harmless): Sources/trick/helpers.ld takes
# it into a section of its own at a 64-byte boundary plus the pad that keeps its dispatch block
# inside one cache line (tools/align_dispatch.py, run by `make build`).
dispatch='$s9TrickLang2VMC7execute_4base8function9generatorAA5ValueOAA5ChunkC_SiAA8FunctionCSgAA14GeneratorStateCSgtKF'
ownModules='9TrickLang|12TrickLibrary|9TrickCore|5trick|13KernelSigning'
{ cat "$tmp/startup.fns"; comm -13 "$tmp/startup.fns" "$tmp/all"; } | grep -vxF "$dispatch" > "$tmp/listed"
{ echo "$dispatch"
  grep -E "$ownModules" "$tmp/listed" || true
  grep -vE "$ownModules" "$tmp/listed" | grep -v '^\$s' || true
  grep -vE "$ownModules" "$tmp/listed" | grep '^\$s' || true; } > "$OUT"
echo "$OUT: $(wc -l < "$tmp/startup.fns") functions run at start-up, $(wc -l < "$OUT") in all"
