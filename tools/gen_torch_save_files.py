#!/usr/bin/env python3
"""The torch.save files of Tests/torch_save (torch.save / torch.load in torch's file format).

Run with the reference environment and a built trick:
    /work/refenv/bin/python tools/gen_torch_save_files.py [path/to/trick]   (default .build/debug/trick)

1. Tests/torch_save/write_files.py runs under torch 2.4.1 -> Tests/torch_save/torch_files/*.pt, and
   under trick -> Tests/torch_save/trick_files/*.pt (the same objects, saved by each).
2. Every file trick wrote must load in torch -- with torch.load(weights_only=True) and with the
   default -- equal to what torch's own file of that name loads to (same types, OrderedDicts as
   OrderedDicts, tensors with equal dtype, shape and requires_grad, Parameters as Parameters, values
   equal (floats within 1e-5 relative / 1e-6 absolute: some objects come from training steps),
   an object saved twice loaded as one). A file torch cannot load weights-only (a Counter or a set:
   torch's weights-only unpickler refuses them) must be refused for trick's file too. Any
   difference stops the script; nothing is written over the committed files until all pass.
3. torch writes the files only it can make, for trick to read (Tests/torch_parity/torch_save_load.py
   and Tests/errors): views of one storage at offsets and strides, a file pickled at protocol 4, and
   the bad files (a class trick does not rebuild, a dtype object, truncated, a corrupt pickle, a
   missing storage, torch's legacy format, lists nested 5000 deep).
"""
import collections
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
DIR = os.path.join(ROOT, 'Tests', 'torch_save')
WRITER = os.path.join(DIR, 'write_files.py')


def run_writer(cmd, out):
    env = dict(os.environ, TORCH_SAVE_OUT=out)
    r = subprocess.run(cmd + [WRITER], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f'{" ".join(cmd)} {WRITER} failed:\n{r.stdout}\n{r.stderr}')


def same(a, b, path='obj'):
    """Deep equality with types: raises AssertionError naming the first difference."""
    if type(a) is not type(b):
        raise AssertionError(f'{path}: {type(a).__name__} vs {type(b).__name__}')
    if isinstance(a, torch.Tensor):
        if (a.dtype, a.shape, a.requires_grad) != (b.dtype, b.shape, b.requires_grad):
            raise AssertionError(f'{path}: {a.dtype} {tuple(a.shape)} {a.requires_grad} vs {b.dtype} {tuple(b.shape)} {b.requires_grad}')
        # the objects come from training steps: floats within SPEC §6's tolerance, the rest exact
        x, y = a.detach(), b.detach()
        close = torch.allclose(x.double(), y.double(), rtol=1e-5, atol=1e-6, equal_nan=True) if x.is_floating_point() else torch.equal(x, y)
        if not close:
            raise AssertionError(f'{path}: values differ:\n{a}\n{b}')
    elif isinstance(a, dict):
        if list(a.keys()) != list(b.keys()):
            raise AssertionError(f'{path}: keys {list(a.keys())[:8]} vs {list(b.keys())[:8]}')
        for k in a:
            same(a[k], b[k], f'{path}[{k!r}]')
    elif isinstance(a, (list, tuple)):
        if len(a) != len(b):
            raise AssertionError(f'{path}: length {len(a)} vs {len(b)}')
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f'{path}[{i}]')
    elif isinstance(a, float):
        if not math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6) and not (math.isnan(a) and math.isnan(b)) and a != b:
            raise AssertionError(f'{path}: {a!r} vs {b!r}')
    elif a != b:
        raise AssertionError(f'{path}: {a!r} vs {b!r}')


def shared_ids(obj, seen=None, out=None):
    """The pattern of objects met more than once (an object saved twice must load as one)."""
    seen = {} if seen is None else seen
    out = [] if out is None else out
    if isinstance(obj, (torch.Tensor, list, dict)):
        out.append(seen.setdefault(id(obj), len(seen)))
        if isinstance(obj, torch.Tensor):
            return out
    if isinstance(obj, dict):
        for v in obj.values():
            shared_ids(v, seen, out)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            shared_ids(v, seen, out)
    return out


def load(path, weights_only):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)
        return torch.load(path, weights_only=weights_only)


def verify(torch_dir, trick_dir):
    for name in sorted(os.listdir(torch_dir)):
        ours, theirs = os.path.join(trick_dir, name), os.path.join(torch_dir, name)
        for weights_only in (True, False):
            try:
                expected = load(theirs, weights_only)
            except Exception as e:
                if not weights_only:
                    raise
                try:
                    load(ours, True)
                except Exception:
                    continue
                sys.exit(f'{name}: torch refuses its own file weights-only ({type(e).__name__}) but loads trick\'s')
            got = load(ours, weights_only)
            try:
                same(expected, got)
                if shared_ids(expected) != shared_ids(got):
                    raise AssertionError('objects saved twice are not loaded as one')
            except AssertionError as e:
                sys.exit(f'{name} (weights_only={weights_only}): trick\'s file loads differently in torch: {e}')
        print(f'{name}: torch loads trick\'s file equal to its own')


def rewrite_pickle(src, dst, data_pkl=None, drop=None):
    """A copy of the archive `src` with data.pkl replaced or a record left out."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, 'w') as w:
        for n in z.namelist():
            if drop and n.endswith(drop):
                continue
            w.writestr(n, data_pkl if data_pkl is not None and n.endswith('/data.pkl') else z.read(n))


def torch_only_files(out):
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    torch.save({'base': base, 'transposed': base.t(), 'slice': base[1:, ::2], 'column': base[:, 3],
                'row': base[2], 'expanded': torch.tensor([1.0, 2.0]).expand(3, 2)}, os.path.join(out, 'views.pt'))
    torch.save({'weights': collections.OrderedDict([('w', torch.ones(2, 2)), ('b', torch.zeros(2, dtype=torch.int32))]),
                'numbers': [1, 2.5, 'three', None, (True, False)], 'counter': collections.Counter('aab')},
               os.path.join(out, 'protocol4.pt'), pickle_protocol=4)
    torch.save({'queue': collections.deque([1, 2])}, os.path.join(out, 'bad_deque.pt'))
    torch.save({'dtype': torch.float32}, os.path.join(out, 'bad_dtype.pt'))
    good = os.path.join(out, 'bad_deque.pt')
    torch.save({'w': torch.ones(3)}, os.path.join(out, 'bad_missing_storage.pt'))
    rewrite_pickle(os.path.join(out, 'bad_missing_storage.pt'), os.path.join(out, 'bad_missing_storage.pt.tmp'), drop='/data/0')
    os.replace(os.path.join(out, 'bad_missing_storage.pt.tmp'), os.path.join(out, 'bad_missing_storage.pt'))
    rewrite_pickle(good, os.path.join(out, 'bad_opcode.pt'), data_pkl=b'\x80\x02}q\x00\xff.')
    # lists nested 5000 deep (Python's pickler cannot write it: RecursionError; its unpickler reads it)
    rewrite_pickle(good, os.path.join(out, 'bad_deep.pt'), data_pkl=b'\x80\x02' + b']' * 5000 + b'a' * 4999 + b'.')
    with open(os.path.join(out, 'views.pt'), 'rb') as f:
        data = f.read()
    with open(os.path.join(out, 'bad_truncated.pt'), 'wb') as f:
        f.write(data[:len(data) // 2])
    buf = io.BytesIO()
    torch.save({'w': torch.ones(2)}, buf, _use_new_zipfile_serialization=False)
    with open(os.path.join(out, 'bad_legacy.pt'), 'wb') as f:
        f.write(buf.getvalue())


def main(argv):
    trick = os.path.abspath(argv[0] if argv else os.path.join(ROOT, '.build', 'debug', 'trick'))
    with tempfile.TemporaryDirectory() as tmp:
        torch_dir, trick_dir, extra = (os.path.join(tmp, d) for d in ('torch', 'trick', 'extra'))
        for d in (torch_dir, trick_dir, extra):
            os.mkdir(d)
        run_writer([sys.executable, '-W', 'ignore'], torch_dir)
        run_writer([trick, 'run'], trick_dir)
        verify(torch_dir, trick_dir)
        torch_only_files(extra)
        for d, src in (('torch_files', torch_dir), ('trick_files', trick_dir)):
            shutil.rmtree(os.path.join(DIR, d), ignore_errors=True)
            shutil.copytree(src, os.path.join(DIR, d))
        for name in os.listdir(extra):
            shutil.copy(os.path.join(extra, name), os.path.join(DIR, 'torch_files', name))
    print(f'wrote {DIR}/torch_files and {DIR}/trick_files')


if __name__ == '__main__':
    main(sys.argv[1:])
