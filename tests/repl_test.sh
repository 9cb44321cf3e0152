#!/usr/bin/env bash
# REPL tests (issue 3): the session driven through a pipe (`trick repl < input`, deterministic)
# and in a pseudo-terminal (tmux: line editing, history, Tab, Ctrl-C, Ctrl-D).
# Usage: tests/repl_test.sh [path/to/trick]      (make test runs it after the golden notebooks)
set -u
BIN=$(cd "$(dirname "${1:-.build/release/trick}")" && pwd)/$(basename "${1:-.build/release/trick}")
[ -x "$BIN" ] || { echo "repl_test: no trick binary at $BIN (run make build)"; exit 2; }
WORK=$(mktemp -d /tmp/trick-repl-test.XXXXXX)
SOCK="trick-repl-test-$$"              # a private tmux server, so a user's sessions are never touched
export HOME="$WORK/home" NO_COLOR=1 LANG=C.UTF-8
mkdir -p "$HOME"
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$WORK"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    | /'; }
# expect NAME TEXT PATTERN: TEXT must contain the fixed string PATTERN.
expect() { if printf '%s' "$2" | grep -qF -- "$3"; then ok; else bad "$1: expected '$3'" "$2"; fi; }
refuse() { if printf '%s' "$2" | grep -qF -- "$3"; then bad "$1: unexpected '$3'" "$2"; else ok; fi; }

# ---------------------------------------------------------------- through a pipe
out=$(printf '1 + 2\n_ * 10\n' | "$BIN" repl 2>&1)
expect "pipe: value shown" "$out" "Out[1]: 3"
expect "pipe: _ is the last value" "$out" "Out[2]: 30"

out=$(printf 'def area(w, h):\n    s = w * h\n    return s\n\narea(3, 4)\n' | "$BIN" repl 2>&1)
expect "pipe: multi-line def" "$out" "Out[2]: 12"

out=$(printf 'y = undefined_name + 1\nprint("still here")\n2 ** 5\n' | "$BIN" repl 2>&1)
expect "pipe: error located in the cell" "$out" "In [1]:1:5: error: name 'undefined_name' is not defined"
expect "pipe: work goes on after an error" "$out" "still here"
expect "pipe: values after an error" "$out" "Out[3]: 32"

out=$(printf 'x = dict(a=[1,\n  2],\n  b=3)\nx\n' | "$BIN" repl 2>&1)
expect "pipe: open brackets continue" "$out" "Out[2]: {'a': [1, 2], 'b': 3}"

out=$(printf '%%complete soft_nm\n%%complete cfg = dict(type='"'"'CrossEntropyL\n' | "$BIN" repl 2>&1)
expect "pipe: completion of soft_nm" "$out" "soft_nms"
expect "pipe: completion of registry types" "$out" "type='CrossEntropyLoss"

# Doctest and IPython prompts are stripped; the seed's "Example 2" (doctest prompts, a line
# without prompt inside an open bracket, `>>>` on a continuation line) parses into cells.
cat > example2.txt <<'EOF'
>>> # assume model have attribute model.backbone and model.cls_head
>>> optimizer_cfg = dict(type='SGD', lr=0.01, weight_decay=0.95)
>>> paramwise_cfg = dict(custom_keys={
'backbone': dict(lr_mult=0.1, decay_mult=0.9)})
>>> optim_builder = DefaultOptimizerConstructor(
>>> optimizer_cfg, paramwise_cfg)
>>> # Then the `lr` and `weight_decay` for model.backbone is
>>> # (0.01 * 0.1, 0.95 * 0.9). `lr` and `weight_decay` for
>>> # model.cls_head is (0.01, 0.95).
paramwise_cfg['custom_keys']['backbone']['lr_mult']
In [7]: def f(x):
   ...:     return x + 1
   ...:
In [8]: f(1)
EOF
out=$(grep -v 'DefaultOptimizerConstructor\|optimizer_cfg, paramwise' example2.txt | "$BIN" repl 2>&1)
refuse "pipe: pasted prompts stripped" "$out" "error"
expect "pipe: pasted doctest runs" "$out" "Out[3]: 0.1"
expect "pipe: pasted IPython cells run" "$out" "Out[5]: 2"
out=$("$BIN" repl < example2.txt 2>&1)
refuse "pipe: pasted Example 2 has no syntax error" "$out" "expected"
# With a model that has a backbone and a cls_head, the pasted Example 2 runs to the end.
{ printf '>>> model = Module(backbone=Module(conv=Conv2d(3, 8, 3)), cls_head=Linear(8, 10))\n'
  grep -v '^paramwise_cfg\[\|^In \[\|^   \.\.\.:' example2.txt
  printf '>>> optimizer = optim_builder(model)\n'
  printf ">>> [(g['params'][0], g['lr'], g['weight_decay']) for g in optimizer.param_groups][0::2]\n"; } > example2full.txt
out=$("$BIN" repl < example2full.txt 2>&1)
refuse "pipe: pasted Example 2 with a model runs" "$out" "error"
expect "pipe: pasted Example 2 gives backbone (0.01 * 0.1, 0.95 * 0.9)" "$out" "('backbone.conv.weight', 0.001, 0.855)"
expect "pipe: pasted Example 2 gives cls_head (0.01, 0.95)" "$out" "('cls_head.weight', 0.01, 0.95)"

# %save writes the session as a notebook that `trick test` passes.
printf 'w = tensor([1.0, 2.0, 3.0])\nw.sum()\nprint("hi")\nfor i in range(2):\n    print(i)\n\nbad_name\nw * 2\n%%save saved\n' | "$BIN" repl > /dev/null 2>&1
if [ -f saved.trick ]; then
    ok
    out=$("$BIN" test saved.trick 2>&1)
    expect "pipe: %save notebook passes trick test" "$out" "golden: 1 passed, 0 failed"
else
    bad "pipe: %save wrote no saved.trick"
fi

# %load runs a notebook into the session.
out=$(printf '%%load saved.trick\nw.shape\n' | "$BIN" repl 2>&1)
expect "pipe: %load then use" "$out" "Out[2]: (3,)"

# `trick` without arguments on a pipe runs the program, no prompts.
out=$(echo 'print(2)' | "$BIN" 2>&1)
[ "$out" = "2" ] && ok || bad "pipe: plain trick runs stdin as a script" "$out"

# ---------------------------------------------------------------- in a pseudo-terminal (tmux)
if ! command -v tmux > /dev/null; then
    bad "tmux is not installed (make test installs it)"
else
    T="tmux -L $SOCK"
    session=0
    start() {
        session=$((session + 1))
        $T new-session -d -s "repl$session" -x 120 -y 50 "env TERM=xterm HOME=$HOME NO_COLOR=1 LANG=C.UTF-8 $BIN; echo EXITED rc=\$?; sleep 300"
        wait_for "banner" "Ctrl-D exits"
    }
    screen() { $T capture-pane -t "repl$session" -p -S -200 2>/dev/null; }
    # wait_for NAME PATTERN: poll the screen until PATTERN (fixed string) shows, up to 10 s.
    wait_for() {
        local i
        for i in $(seq 1 100); do
            if screen | grep -qF -- "$2"; then ok; return 0; fi
            sleep 0.1
        done
        bad "tty: $1: '$2' never appeared" "$(screen | grep -v '^$' | tail -15)"
        return 1
    }
    wait_quick() {   # as wait_for, but within 3 s
        local i
        for i in $(seq 1 30); do
            if screen | grep -qF -- "$2"; then ok; return 0; fi
            sleep 0.1
        done
        bad "tty: $1: '$2' did not appear within 3 s" "$(screen | grep -v '^$' | tail -15)"
        return 1
    }
    keys() { $T send-keys -t "repl$session" "$@"; }

    start
    keys 'x = 40 + 2' Enter
    wait_for "first cell" "In [2]:"
    keys 'x' Enter
    wait_for "value shown" "Out[2]: 42"

    keys Up Up
    wait_for "history recall with Up" "In [3]: x = 40 + 2"
    keys C-u 'soft_nm' Tab
    wait_for "Tab completes soft_nm" "In [3]: soft_nms"
    keys C-c
    wait_for "Ctrl-C clears the line" "In [3]: "
    keys C-u 'def cube(v):' Enter
    wait_for "continuation prompt" "   ...:"
    keys '    return v ** 3' Enter Enter
    wait_for "def ends at a blank line" "In [4]:"
    keys 'cube(3)' Enter
    wait_for "multi-line def" "Out[4]: 27"

    keys 'cube(nope)' Enter
    wait_for "error reported" "In [5]:1:6: error: name 'nope' is not defined"
    keys 'cube(2)' Enter
    wait_for "work goes on after an error" "Out[6]: 8"

    keys 'while True: pass' Enter Enter
    wait_for "loop running" "In [7]: while True: pass"
    sleep 1
    keys C-c
    wait_for "Ctrl-C interrupts the loop" "KeyboardInterrupt"
    keys 'x + cube(1)' Enter
    wait_for "session intact after Ctrl-C" "Out[8]: 43"

    keys 'd = dict(decode_head=1, backbone=2)' Enter
    keys "d['dec" Tab
    wait_for "dict key completion" "d['decode_head"
    keys "']" Enter
    wait_for "dict key completed value" "Out[10]: 1"

    # a long built-in call (Lovász on 2x19x512x1024 takes seconds) stops at Ctrl-C within a class,
    # not when the call returns
    keys 'x2 = randn(2, 19, 512, 1024); y2 = randint(0, 19, (2, 512, 1024)); l2 = LovaszLoss(reduction="none")' Enter
    wait_for "big inputs built" "In [12]:"
    keys 'l2(x2, y2)' Enter
    sleep 1
    keys C-c
    wait_quick "Ctrl-C stops a long built-in call" "In [13]:"

    keys '%save tty_session' Enter
    wait_for "%save" "Saved"
    keys C-d
    wait_for "Ctrl-D exits" "EXITED rc=0"
    out=$("$BIN" test tty_session.trick 2>&1)
    expect "tty: %save notebook passes trick test" "$out" "golden: 1 passed, 0 failed"

    [ -s "$HOME/.trick_history" ] && ok || bad "tty: ~/.trick_history written"
    start
    keys Up
    wait_for "history survives a restart" "In [1]: %save tty_session"
    keys C-u C-r 'cube(3'
    wait_for "Ctrl-R searches history" "cube(3)"
    keys Enter
    keys C-d
    $T kill-server 2>/dev/null
fi

echo "repl tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
