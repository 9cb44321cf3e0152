#!/usr/bin/env python3
"""Run every real snippet in Tests/snippets/*.py with the reference libraries and store its stdout
next to it as NNN_name.out (issue 16: the snippet corpus; tests/run_snippets.py compares trick's
output with these files).

Run with the reference environment:  /work/refenv/bin/python tools/gen_snippets.py [--corpus DIR] [NAME...]
(--corpus Tests/numpy_parity: trick's own checks of numpy's printing, laid out the same way.)

Each snippet runs as `__main__` in a fresh child process, in Tests/snippets/files/ (the files its
page has the reader download), exactly as `python ../NNN_name.py` would run it. The children are
forked from a parent that has already imported the reference libraries (torch, numpy, mmengine,
mmcv, mmseg, mmdet, ensemble_boxes; nothing else is run or seeded), so each snippet's own imports
are cache hits: ~100 snippets take seconds instead of a torch import each.

The one exception to "as published" is mmcv's compiled ops, which mmcv-lite lacks: `mmcv._ext.nms` /
`softnms` are the Python replicas of mmcv's CPU kernels that tools/gen_boxes_vectors.py already uses
for the box vectors (line by line from mmcv/ops/csrc/pytorch/cpu/nms.cpp), so a snippet that calls
`mmcv.ops.nms` or `soft_nms` runs its own code unchanged on those kernels.
A snippet that fails under the reference is reported and gets no .out (it does not belong in the corpus).
"""
import io
import os
import runpy
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SNIPPETS = os.path.join(HERE, '..', 'Tests', 'snippets')
FILES = os.path.join(SNIPPETS, 'files')


def preload():
    sys.path.insert(0, HERE)
    import gen_boxes_vectors  # noqa: F401  imports torch, mmcv.ops, mmdet, ensemble_boxes; patches mmcv._ext
    import mmseg.models  # noqa: F401
    import mmengine.config  # noqa: F401
    sys.path.remove(HERE)


def run_child(name, out_path):
    files = FILES if os.path.isdir(FILES) else SNIPPETS
    script = '../' + name if os.path.isdir(FILES) else name
    """Runs one snippet in a forked child; returns (exit status, stderr text)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 0
        try:
            os.chdir(files)
            out = open(out_path + '.tmp', 'w')
            sys.stdout = out
            sys.argv = [script]
            try:
                runpy.run_path(script, run_name='__main__')
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except BaseException:
                os.write(w, traceback.format_exc().encode())
                code = 1
            out.flush()
        finally:
            os._exit(code)
    os.close(w)
    err = b''
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        err += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), err.decode()


def main(names):
    global SNIPPETS, FILES
    if names[:1] == ['--corpus']:
        SNIPPETS = os.path.abspath(names[1])
        FILES = os.path.join(SNIPPETS, 'files')
        names = names[2:]
    files = sorted(f for f in os.listdir(SNIPPETS) if f.endswith('.py'))
    if names:
        files = [f for f in files if any(n in f for n in names)]
    preload()
    failed = 0
    for f in files:
        out = os.path.join(SNIPPETS, f[:-3] + '.out')
        rc, err = run_child(f, out)
        if rc != 0:
            failed += 1
            print(f'{f}: fails under the reference (exit {rc}):\n{err.strip()[-600:]}\n')
            for p in (out, out + '.tmp'):
                if os.path.exists(p):
                    os.remove(p)
            continue
        os.replace(out + '.tmp', out)
    print(f'{len(files) - failed} outputs written, {failed} snippets failed under the reference')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
