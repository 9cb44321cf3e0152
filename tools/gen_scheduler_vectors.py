#!/usr/bin/env python3
"""Vectors for torch.optim.lr_scheduler bound to an optimizer in trick code
(Tests/golden/scheduler_parity.trick), from the real torch 2.4.1:

    /work/refenv/bin/python tools/gen_scheduler_vectors.py

Writes Tests/golden/data/scheduler_vectors.json: per case, after construction and after every
step, each group's lr and momentum (SGD) or betas[0] (Adam). CASES below is the same code the
notebook runs (the schedulers are built from the same expressions).
"""
import json, os, warnings
import torch
from torch.optim.lr_scheduler import (StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, CosineAnnealingLR,
                                      PolynomialLR, LambdaLR, MultiplicativeLR, CosineAnnealingWarmRestarts, CyclicLR,
                                      OneCycleLR, SequentialLR, ChainedScheduler, ReduceLROnPlateau)

warnings.filterwarnings('ignore')
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'golden', 'data', 'scheduler_vectors.json')


def sgd():
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(3))
    return torch.optim.SGD([{'params': [a]}, {'params': [b], 'lr': 0.05}], lr=0.1, momentum=0.9)


def adam():
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(3))
    return torch.optim.Adam([{'params': [a]}, {'params': [b], 'lr': 0.02}], lr=0.01)


CASES = {
    'StepLR': (sgd, lambda o: StepLR(o, step_size=3, gamma=0.5), 12),
    'MultiStepLR': (sgd, lambda o: MultiStepLR(o, milestones=[2, 5, 5], gamma=0.3), 8),
    'ConstantLR': (sgd, lambda o: ConstantLR(o, factor=0.5, total_iters=4), 7),
    'LinearLR': (sgd, lambda o: LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=5), 8),
    'ExponentialLR': (sgd, lambda o: ExponentialLR(o, gamma=0.9), 6),
    'CosineAnnealingLR': (sgd, lambda o: CosineAnnealingLR(o, T_max=5, eta_min=0.01), 15),
    'PolynomialLR': (sgd, lambda o: PolynomialLR(o, total_iters=6, power=2.0), 8),
    'LambdaLR': (sgd, lambda o: LambdaLR(o, lr_lambda=lambda e: 0.95 ** e), 6),
    'LambdaLR_list': (sgd, lambda o: LambdaLR(o, lr_lambda=[lambda e: 1 / (e + 1), lambda e: 0.5]), 5),
    'MultiplicativeLR': (sgd, lambda o: MultiplicativeLR(o, lr_lambda=lambda e: 0.9), 6),
    'CosineAnnealingWarmRestarts': (sgd, lambda o: CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001), 20),
    'CosineAnnealingWarmRestarts_1': (sgd, lambda o: CosineAnnealingWarmRestarts(o, T_0=4), 10),
    'CyclicLR_triangular2': (sgd, lambda o: CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode='triangular2'), 16),
    'CyclicLR_exp_range_adam': (adam, lambda o: CyclicLR(o, base_lr=[0.001, 0.002], max_lr=0.01, step_size_up=2, step_size_down=3,
                                                          mode='exp_range', gamma=0.9), 12),
    'CyclicLR_scale_fn': (sgd, lambda o: CyclicLR(o, base_lr=0.01, max_lr=0.05, step_size_up=2, scale_fn=lambda x: 0.5 ** x,
                                                   scale_mode='iterations', cycle_momentum=False), 9),
    'OneCycleLR': (sgd, lambda o: OneCycleLR(o, max_lr=0.1, total_steps=12), 11),
    'OneCycleLR_three_phase_adam': (adam, lambda o: OneCycleLR(o, max_lr=[0.01, 0.05], epochs=2, steps_per_epoch=5,
                                                                anneal_strategy='linear', three_phase=True, pct_start=0.25), 9),
    'SequentialLR': (sgd, lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.1, total_iters=3), ExponentialLR(o, gamma=0.9)],
                                                 milestones=[3]), 8),
    'SequentialLR_three': (sgd, lambda o: SequentialLR(o, [ConstantLR(o, factor=0.5, total_iters=2), CosineAnnealingLR(o, T_max=4),
                                                           StepLR(o, step_size=2, gamma=0.5)], milestones=[2, 6]), 11),
    'ChainedScheduler': (sgd, lambda o: ChainedScheduler([ConstantLR(o, factor=0.1, total_iters=2), ExponentialLR(o, gamma=0.9)]), 5),
}
PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.95, 0.94, 0.8, 0.85, 0.86, 0.87, 0.88, 0.7, 0.71]


def snapshot(o):
    out = []
    for g in o.param_groups:
        m = g['betas'][0] if 'betas' in g else g['momentum']
        out.append([g['lr'], m])
    return out


vec = {}
for name, (make_opt, make_sched, steps) in CASES.items():
    o = make_opt()
    s = make_sched(o)
    rows = [snapshot(o)]
    for i in range(steps):
        o.step()
        s.step()
        rows.append(snapshot(o))
    vec[name] = dict(rows=rows, last_lr=s.get_last_lr())

# CosineAnnealingWarmRestarts with fractional epochs, as its documentation steps it
o = sgd()
s = CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.0)
rows = [snapshot(o)]
for epoch in range(4):
    for i in range(4):
        s.step(epoch + i / 4)
        rows.append(snapshot(o))
vec['CosineAnnealingWarmRestarts_fractional'] = dict(rows=rows, last_lr=s.get_last_lr())

for name, kw in [('ReduceLROnPlateau', dict(mode='min', factor=0.5, patience=1, cooldown=1, min_lr=[0.0, 0.02])),
                 ('ReduceLROnPlateau_max_abs', dict(mode='max', factor=0.1, patience=2, threshold=0.05, threshold_mode='abs'))]:
    o = sgd()
    s = ReduceLROnPlateau(o, **kw)
    rows = [snapshot(o)]
    for m in PLATEAU_METRICS:
        o.step()
        s.step(m if kw['mode'] == 'min' else -m)
        rows.append(snapshot(o))
    vec[name] = dict(rows=rows, last_lr=s.get_last_lr())

with open(OUT, 'w') as f:
    json.dump(vec, f, separators=(',', ':'))
print(OUT, len(vec))
