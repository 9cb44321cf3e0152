#!/usr/bin/env python3
"""Vectors for SWA / EMA on real modules in trick code (Tests/golden/swa_parity.trick), from the
real torch 2.4.1 and mmengine 0.10.7:

    /work/refenv/bin/python tools/gen_swa_vectors.py

Writes Tests/golden/data/swa_vectors.json:
- state: the state dict of a small net (conv-BN-ReLU, a 1x1 conv head; nn.Sequential), batches;
- run: 8 SGD steps (lr 0.05, momentum 0.9) with SWALR(swa_lr=0.02, anneal_epochs=3, 'linear')
  stepped from step 3 on; per step the loss and the lr; after every step from step 3 six averaged
  copies are updated — AveragedModel(net) (CPU: get_swa_avg_fn), AveragedModel(net,
  multi_avg_fn=get_ema_multi_avg_fn(0.9), use_buffers=True), AveragedModel(net, avg_fn=lambda
  a, m, n: 0.7 * a + 0.3 * m), mmengine ExponentialMovingAverage(net, momentum=0.1, interval=2,
  update_buffers=True), mmengine StochasticWeightAverage(net, interval=2) and
  MomentumAnnealingEMA(net, momentum=0.01, gamma=4) — their state dicts;
- bn: update_bn over the batches' inputs (as (x, y) tuples) on the first averaged copy: its
  state dict and its output on batch 0 in eval mode.
"""
import json, os, warnings
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import AveragedModel, SWALR, update_bn, get_ema_multi_avg_fn

warnings.filterwarnings('ignore')
from mmengine.model import ExponentialMovingAverage, StochasticWeightAverage, MomentumAnnealingEMA

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'golden', 'data', 'swa_vectors.json')
torch.manual_seed(8)


def L(t):
    return t.detach().tolist()


def sd(m):
    return {k: L(v) for k, v in m.state_dict().items()}


net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.Conv2d(4, 3, 1))
nn.init.uniform_(net[1].weight, 0.5, 1.5)
nn.init.uniform_(net[1].bias, -0.2, 0.2)
state = sd(net)
batches = []
for _ in range(4):
    x = torch.randn(2, 3, 8, 8)
    y = torch.randint(0, 3, (2, 8, 8))
    batches.append((x, y))

opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
models = dict(swa=AveragedModel(net),
              ema=AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(0.9), use_buffers=True),
              custom=AveragedModel(net, avg_fn=lambda a, m, n: 0.7 * a + 0.3 * m),
              mm_ema=ExponentialMovingAverage(net, momentum=0.1, interval=2, update_buffers=True),
              mm_swa=StochasticWeightAverage(net, interval=2),
              mm_anneal=MomentumAnnealingEMA(net, momentum=0.01, gamma=4))
sched = None
losses, lrs = [], []
for i in range(8):
    x, y = batches[i % 4]
    opt.zero_grad()
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
    if i >= 2:
        if sched is None:
            sched = SWALR(opt, swa_lr=0.02, anneal_epochs=3, anneal_strategy='linear')
        for m in models.values():
            m.update_parameters(net)
        sched.step()
    lrs.append(opt.param_groups[0]['lr'])
run = dict(losses=losses, lrs=lrs, models={k: sd(m) for k, m in models.items()}, net=sd(net))

swa = models['swa']
update_bn(batches, swa)
swa.eval()
bn = dict(state=sd(swa), out=L(swa(batches[0][0])))

with open(OUT, 'w') as f:
    json.dump(dict(state=state, batches=[dict(x=L(x), y=L(y)) for x, y in batches], run=run, bn=bn), f, separators=(',', ':'))
print(OUT)
