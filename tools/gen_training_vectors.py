#!/usr/bin/env python3
"""Vectors for training written in trick code (Tests/golden/training_parity.trick), from the real
torch 2.4.1 and mmengine 0.10.7:

    /work/refenv/bin/python tools/gen_training_vectors.py

Writes Tests/golden/data/training_vectors.json:
- state: the state dict (weights, BN buffers) of a small segmentation net — backbone: conv-BN-ReLU
  x3 (stride 2, dilation 2 among them), head: 1x1 conv with bias; forward = bilinear upsampling
  of head(backbone(x)) to the label size (align_corners=False), CE with ignore_index 255;
- batches: 4 batches of (x, y), y with ignore pixels;
- step0: loss of batch 0 and every parameter's gradient (one forward + backward, train mode);
- sgd: 25 steps of SGD(momentum=0.9, weight_decay=5e-4), two groups (backbone lr 0.01, head lr 0.1),
  cycling the batches: the loss at every step and the final groups' lr;
- mmengine: 50 steps through mmengine's build_optim_wrapper with paramwise_cfg
  custom_keys={'head': dict(lr_mult=10)}, LinearLR warm-up (10 iters) then PolyLR, update_params:
  the loss at every step and the lrs after the last scheduler step.
The expected values come from torch only; the notebook compares trick's numbers with them.
"""
import json, os
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'golden', 'data', 'training_vectors.json')
torch.manual_seed(2024)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 8, 3, padding=2, dilation=2, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        return F.interpolate(self.head(self.backbone(x)), size=x.shape[-2:], mode='bilinear', align_corners=False)


def L(t):
    return t.detach().tolist()


def batches():
    out = []
    for _ in range(4):
        x = torch.randn(2, 3, 16, 16)
        y = torch.randint(0, 4, (2, 16, 16))
        y[torch.rand(2, 16, 16) < 0.1] = 255
        out.append((x, y))
    return out


def main():
    net = Net()
    for m in net.modules():   # non-trivial BN affine values and running stats
        if isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.uniform_(m.bias, -0.2, 0.2)
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.9, 1.1)
    state = {k: v.clone() for k, v in net.state_dict().items()}
    data = batches()

    # one forward + backward
    net.load_state_dict(state)
    net.train()
    loss = F.cross_entropy(net(data[0][0]), data[0][1], ignore_index=255)
    loss.backward()
    step0 = {'loss': loss.item(), 'grads': {n: L(p.grad) for n, p in net.named_parameters()}}

    # SGD, two groups, 25 steps
    net.load_state_dict(state)
    net.zero_grad(set_to_none=True)
    opt = torch.optim.SGD([{'params': net.backbone.parameters()}, {'params': net.head.parameters(), 'lr': 0.1}],
                          lr=0.01, momentum=0.9, weight_decay=5e-4)
    sgd = []
    for i in range(25):
        x, y = data[i % 4]
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y, ignore_index=255)
        loss.backward()
        opt.step()
        sgd.append(loss.item())
    sgd_lrs = [g['lr'] for g in opt.param_groups]

    # mmengine: build_optim_wrapper + paramwise custom_keys, LinearLR warm-up then PolyLR, 50 steps
    from mmengine.optim import build_optim_wrapper, LinearLR, PolyLR
    net.load_state_dict(state)
    net.zero_grad(set_to_none=True)
    cfg = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=5e-4),
               paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10)}))
    ow = build_optim_wrapper(net, cfg)
    scheds = [LinearLR(ow, start_factor=0.1, by_epoch=False, begin=0, end=10),
              PolyLR(ow, eta_min=1e-4, power=0.9, by_epoch=False, begin=10, end=50)]
    mm = []
    for i in range(50):
        x, y = data[i % 4]
        loss = F.cross_entropy(net(x), y, ignore_index=255)
        ow.update_params(loss)
        for s in scheds:
            s.step()
        mm.append(loss.item())
    mm_lrs = sorted(set(g['lr'] for g in ow.param_groups))

    out = {
        'state': {k: L(v) for k, v in state.items()},
        'batches': [{'x': L(x), 'y': L(y)} for x, y in data],
        'step0': step0,
        'sgd': {'losses': sgd, 'lrs': sgd_lrs},
        'mmengine': {'losses': mm, 'lrs': mm_lrs},
    }
    with open(OUT, 'w') as f:
        json.dump(out, f)
    print('wrote', OUT, 'loss0', step0['loss'], 'sgd last', sgd[-1], 'mm last', mm[-1])


if __name__ == '__main__':
    main()
