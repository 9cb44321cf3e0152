#!/usr/bin/env python3
"""Vectors for TensorDataset / DataLoader in trick code (Tests/golden/dataloader_parity.trick),
from the real torch 2.4.1:

    /work/refenv/bin/python tools/gen_dataloader_vectors.py

Writes Tests/golden/data/dataloader_vectors.json: per case, the first column of every batch of
every pass (the dataset is TensorDataset(arange(n), 10 * arange(n)), so that column is the
sample order), the second column of the first batch, and len(loader).
"""
import json, os
import torch
from torch.utils.data import TensorDataset, DataLoader

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'golden', 'data', 'dataloader_vectors.json')


def run(name, n, seed, passes, gen_seed=None, before=None, **kw):
    torch.manual_seed(seed)
    ds = TensorDataset(torch.arange(n), 10 * torch.arange(n))
    if before is not None:   # a plain pass over another loader first (it draws a base seed)
        list(DataLoader(ds, batch_size=before))
    g = torch.Generator().manual_seed(gen_seed) if gen_seed is not None else None
    dl = DataLoader(ds, generator=g, **kw)
    out = [[b[0].tolist() for b in dl] for _ in range(passes)]
    return dict(name=name, n=n, seed=seed, gen_seed=gen_seed, before=before, kw=kw, passes=out, length=len(dl))


cases = [
    run('shuffle', 10, 3, 2, batch_size=3, shuffle=True),
    run('generator_drop_last', 10, 3, 3, gen_seed=5, batch_size=4, shuffle=True, drop_last=True),
    run('sequential', 10, 3, 1, batch_size=4),
    run('after_a_plain_pass', 10, 11, 2, before=5, batch_size=4, shuffle=True),
    run('hundred', 100, 0, 2, batch_size=32, shuffle=True),
    run('generator_batch_one', 7, 0, 2, gen_seed=123, shuffle=True),
]
with open(OUT, 'w') as f:
    json.dump(cases, f, separators=(',', ':'))
print(OUT, len(cases))
