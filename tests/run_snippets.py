#!/usr/bin/env python3
"""The real-snippet corpus (issue 16): run each Tests/snippets/NNN_name.py with trick, unchanged, and
compare its stdout with NNN_name.out, the output of the real libraries (tools/gen_snippets.py).

Usage: tests/run_snippets.py TRICK_BINARY [--update-expected] [--corpus DIR] [NAME...]

--corpus DIR runs another folder laid out the same way (Tests/numpy_parity: trick's own checks of
numpy's printing against numpy), where every program must match.

Numbers compare with a tolerance, everything else exactly: each line is split into numbers and the
text between them; the text must be equal, and each pair of numbers equal within 1e-5 relative /
1e-6 absolute (SPEC §6) or within one unit of the last decimal printed (torch and numpy print
rounded values: 0.12345 vs 0.1234501 may print 0.1234 / 0.1235).

Prints `snippets: N/M match (P%)`, then each mismatch with its first differing line. Exits 1 when a
snippet listed in Tests/snippets/expected_pass.txt no longer matches (a regression);
--update-expected rewrites that list from this run.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
SNIPPETS = os.path.join(ROOT, 'Tests', 'snippets')
EXPECTED = os.path.join(SNIPPETS, 'expected_pass.txt')
NUMBER = re.compile(r'[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)')
RTOL, ATOL = 1e-5, 1e-6


def decimals(tok):
    mant = re.split('[eE]', tok)[0]
    return len(mant.split('.')[1]) if '.' in mant else 0


def numbers_match(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if x != x or y != y:
        return x != x and y != y
    if abs(x - y) <= max(RTOL * abs(y), ATOL):
        return True
    if 'e' not in a.lower() and 'e' not in b.lower() and decimals(a) == decimals(b):
        return abs(x - y) <= 10.0 ** -decimals(b) * 1.000001
    return False


def lines_match(got, want):
    if got == want:
        return True
    g, w = NUMBER.split(got), NUMBER.split(want)
    gn, wn = NUMBER.findall(got), NUMBER.findall(want)
    # the text between numbers (including the padding torch and numpy align columns with) must agree
    return g == w and len(gn) == len(wn) and all(numbers_match(a, b) for a, b in zip(gn, wn))


def first_difference(got, want):
    gl, wl = got.splitlines(), want.splitlines()
    for i in range(max(len(gl), len(wl))):
        a = gl[i] if i < len(gl) else '<missing>'
        b = wl[i] if i < len(wl) else '<missing>'
        if i >= len(gl) or i >= len(wl) or not lines_match(a, b):
            return i + 1, a, b
    return None


def run(binary, name):
    path = os.path.join(SNIPPETS, name + '.py')
    try:
        files = os.path.join(SNIPPETS, 'files')
        cwd, path = (files, '../' + name + '.py') if os.path.isdir(files) else (SNIPPETS, name + '.py')
        r = subprocess.run([binary, 'run', path], cwd=cwd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return '', 'timed out after 60 s', 1
    return r.stdout, r.stderr, r.returncode


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    global SNIPPETS, EXPECTED
    binary = os.path.abspath(argv[0])
    update = '--update-expected' in argv
    corpus = None
    if '--corpus' in argv:
        i = argv.index('--corpus')
        corpus = os.path.abspath(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
        SNIPPETS, EXPECTED = corpus, None
    only = [a for a in argv[1:] if not a.startswith('--')]
    names = sorted(f[:-4] for f in os.listdir(SNIPPETS) if f.endswith('.out'))
    if only:
        names = [n for n in names if any(o in n for o in only)]
    passed, failures = [], []
    for name in names:
        want = open(os.path.join(SNIPPETS, name + '.out')).read()
        got, err, rc = run(binary, name)
        diff = first_difference(got, want)
        if diff is None and rc == 0:
            passed.append(name)
            continue
        if diff is None:
            diff = (len(got.splitlines()) + 1, '<exit %d>' % rc, '<exit 0>')
        line, a, b = diff
        if a == '<missing>' and err.strip():
            a = 'error: ' + err.strip().splitlines()[0]
        failures.append((name, line, a, b))
    total = len(names)
    pct = 100.0 * len(passed) / total if total else 0.0
    print(f'{"snippets" if corpus is None else os.path.basename(corpus)}: {len(passed)}/{total} match ({pct:.1f}%)')
    for name, line, a, b in failures:
        print(f'  {name}: line {line}\n      trick:     {a[:160]}\n      reference: {b[:160]}')
    if update:
        with open(EXPECTED, 'w') as fh:
            fh.write(''.join(n + '\n' for n in passed))
        print(f'wrote {os.path.relpath(EXPECTED, ROOT)} ({len(passed)} snippets)')
        return 0
    if only or corpus is not None:
        return 0 if not failures else 1
    expected = [l.strip() for l in open(EXPECTED)] if os.path.exists(EXPECTED) else []
    regressions = [n for n in expected if n and n not in passed]
    if regressions:
        print('regressions (listed in Tests/snippets/expected_pass.txt, no longer matching): ' + ', '.join(regressions))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
