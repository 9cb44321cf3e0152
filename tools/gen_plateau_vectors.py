#!/usr/bin/env python3
"""Vectors for MMEngine's ReduceOnPlateau schedulers bound to an optimizer in trick code
(Tests/golden/plateau_parity.trick), from the real mmengine 0.10.7 / torch 2.4.1:

    /work/refenv/bin/python tools/gen_plateau_vectors.py

Writes Tests/golden/data/plateau_vectors.json: per case, after construction and after every
step, each group's scheduled value (lr, momentum, or Adam's betas[0]) and the scheduler's counters.
CASES below is the same code the notebook runs.
"""
import json, os, warnings
import torch
from mmengine.optim.scheduler import ReduceOnPlateauParamScheduler, ReduceOnPlateauLR, ReduceOnPlateauMomentum

warnings.filterwarnings('ignore')
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'golden', 'data', 'plateau_vectors.json')

# a loss that improves, stalls, wobbles, improves again (and its negation for rule='greater')
METRICS = [5.0, 4.0, 3.9, 3.9995, 3.95, 3.95, 4.1, 3.0, 3.0, 2.99, 2.995, 3.2, 3.2, 3.2, 1.0, 1.0, 1.0, 1.0]


def sgd():
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(3))
    return torch.optim.SGD([{'params': [a]}, {'params': [b], 'lr': 0.05, 'momentum': 0.5}], lr=0.1, momentum=0.9)


def adam():
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(3))
    return torch.optim.Adam([{'params': [a]}, {'params': [b], 'lr': 0.02, 'betas': (0.8, 0.99)}], lr=0.01)


CASES = {
    'lr_less_rel': (sgd, lambda o: ReduceOnPlateauLR(o, monitor='loss', factor=0.5, patience=1, cooldown=1, min_value=[0.0, 0.02]), 'lr', 1),
    'lr_greater_abs': (sgd, lambda o: ReduceOnPlateauLR(o, monitor='acc', rule='greater', factor=0.1, patience=2, threshold=0.05,
                                                        threshold_rule='abs'), 'lr', -1),
    'param_momentum_window': (sgd, lambda o: ReduceOnPlateauParamScheduler(o, 'momentum', monitor='loss', factor=0.3, patience=0,
                                                                               begin=3, end=12, eps=0.01), 'momentum', 1),
    'momentum_adam_betas': (adam, lambda o: ReduceOnPlateauMomentum(o, monitor='loss', factor=0.9, patience=1, min_value=0.85), 'momentum', 1),
}


def run(make_opt, make_sched, key, sign):
    o = make_opt()
    s = make_sched(o)
    def snap():
        return dict(values=[g[key] for g in o.param_groups], betas=[list(g['betas']) for g in o.param_groups] if 'betas' in o.param_groups[0] else None,
                    last_step=s.last_step, global_step=s._global_step, best=float(s.best), num_bad_epochs=s.num_bad_epochs,
                    cooldown_counter=s.cooldown_counter, last_value=s.get_last_value())
    rows = [snap()]
    for i, m in enumerate(METRICS):
        o.step()
        if i % 5 == 4:
            s.step()  # without metrics: only counts _global_step
        s.step(metrics={s.monitor: sign * m, 'other': 0.0})
        rows.append(snap())
    return rows


vec = {name: run(*case) for name, case in CASES.items()}
with open(OUT, 'w') as f:
    json.dump(vec, f, separators=(',', ':'))
print(OUT, len(vec))
