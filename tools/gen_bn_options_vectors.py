#!/usr/bin/env python3
"""Vectors for BatchNorm options changed on the module (Tests/golden/bn_options.trick), from the
real torch 2.4.1:

    /work/refenv/bin/python tools/gen_bn_options_vectors.py

Writes Tests/golden/data/bn_options_vectors.json: the running statistics after each batch while
`bn.momentum` / `bn.eps` are changed between batches (momentum=None: a cumulative average), and
the eval-mode output with the last eps. The code below is the same the notebook runs.
"""
import json, os
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'golden', 'data', 'bn_options_vectors.json')


def batch(i):
    return ((torch.arange(2 * 3 * 4 * 4, dtype=torch.float32).reshape(2, 3, 4, 4) * (0.37 + 0.11 * i)) % 1.7) - 0.5 * i


bn = torch.nn.BatchNorm2d(3, momentum=0.3)
rows = []
for i, (momentum, eps) in enumerate([(0.3, 1e-5), (0.5, 1e-5), (None, 1e-3), (None, 1e-3), (0.05, 0.1)]):
    bn.momentum = momentum
    bn.eps = eps
    bn(batch(i))
    rows.append(dict(mean=bn.running_mean.tolist(), var=bn.running_var.tolist(), tracked=int(bn.num_batches_tracked)))
_ = bn.eval()
out = bn(batch(5))
bn.running_var = torch.ones_like(bn.running_var)
out2 = bn(batch(5))
with open(OUT, 'w') as f:
    json.dump(dict(rows=rows, eval_out=out.flatten().tolist(), reset_out=out2.flatten().tolist(),
                   options=[bn.num_features, bn.eps, bn.momentum, bn.affine, bn.track_running_stats]), f)
print(OUT)
