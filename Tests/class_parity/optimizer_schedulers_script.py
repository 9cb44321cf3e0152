# torch's and MMEngine's schedulers over optimizers a script writes itself (SAM, Lookahead derive
# from torch.optim.Optimizer): they read and write the script's `param_groups`, which its step()
# reads, and they wrap its `step` to warn when `scheduler.step()` comes first.
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import lr_scheduler
from torch.optim.swa_utils import SWALR
from mmengine.optim.scheduler import CosineAnnealingMomentum, LinearLR, PolyParamScheduler


class SAM(torch.optim.Optimizer):
    def __init__(self, params, base_optimizer, rho=0.05, adaptive=False, **kwargs):
        defaults = dict(rho=rho, adaptive=adaptive, **kwargs)
        super().__init__(params, defaults)
        self.base_optimizer = base_optimizer(self.param_groups, **kwargs)
        self.param_groups = self.base_optimizer.param_groups
        self.defaults.update(self.base_optimizer.defaults)

    @torch.no_grad()
    def first_step(self, zero_grad=False):
        grad_norm = torch.norm(torch.stack([p.grad.norm(p=2) for g in self.param_groups for p in g["params"] if p.grad is not None]), p=2)
        for group in self.param_groups:
            scale = group["rho"] / (grad_norm + 1e-12)
            for p in group["params"]:
                if p.grad is None:
                    continue
                self.state[p]["old_p"] = p.data.clone()
                p.add_(p.grad * scale.to(p))
        if zero_grad:
            self.zero_grad()

    @torch.no_grad()
    def second_step(self, zero_grad=False):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.data = self.state[p]["old_p"]
        self.base_optimizer.step()
        if zero_grad:
            self.zero_grad()

    @torch.no_grad()
    def step(self, closure=None):
        closure = torch.enable_grad()(closure)
        self.first_step(zero_grad=True)
        closure()
        self.second_step()


class Lookahead(torch.optim.Optimizer):
    def __init__(self, optimizer, k=5, alpha=0.5):
        self.optimizer = optimizer
        super().__init__(optimizer.param_groups, dict(k=k, alpha=alpha))
        self.param_groups = self.optimizer.param_groups
        self.k, self.alpha, self.counter = k, alpha, 0

    @torch.no_grad()
    def step(self, closure=None):
        loss = self.optimizer.step(closure)
        self.counter += 1
        if self.counter % self.k == 0:
            for group in self.param_groups:
                for fast in group["params"]:
                    if "slow" not in self.state[fast]:
                        self.state[fast]["slow"] = fast.detach().clone()
                    slow = self.state[fast]["slow"]
                    slow.add_(fast - slow, alpha=self.alpha)
                    fast.copy_(slow)
        return loss


def make_model():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    model.load_state_dict({
        "0.weight": torch.tensor([[0.2, -0.1, 0.4], [-0.3, 0.5, 0.1], [0.25, 0.05, -0.2], [0.0, 0.3, 0.35]]),
        "0.bias": torch.tensor([0.1, -0.05, 0.0, 0.2]),
        "2.weight": torch.tensor([[0.3, -0.2, 0.1, 0.4], [-0.1, 0.25, 0.3, -0.35]]),
        "2.bias": torch.tensor([0.05, -0.1]),
    })
    return model


x = torch.tensor([[1.0, 0.5, -0.5], [0.2, -1.0, 0.3], [-0.4, 0.8, 1.2], [0.9, 0.1, -0.7], [0.3, 0.3, 0.3], [-1.1, 0.6, 0.2]])
y = torch.tensor([0, 1, 1, 0, 1, 0])


def fmt(xs):
    return [f"{v:.6f}" for v in xs]


def weights(model):
    return [f"{t:.5f}" for v in model.state_dict().values() for t in v.flatten().tolist()]


def sam_epoch(model, opt):
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step(lambda: F.cross_entropy(model(x), y).backward())
    opt.zero_grad()
    return loss.item()


def plain_epoch(model, opt):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


def step_order(messages):
    return [str(w.message)[:60] for w in messages if "optimizer.step()" in str(w.message)]


# SAM over SGD, two groups: a linear warm-up, then StepLR, through SequentialLR, for 10 epochs
model = make_model()
groups = [{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 0.5}]
sam = SAM(groups, torch.optim.SGD, rho=0.1, lr=0.05, momentum=0.9)
warmup = lr_scheduler.LinearLR(sam, start_factor=0.25, total_iters=3)
decay = lr_scheduler.StepLR(sam, step_size=2, gamma=0.5)
sched = lr_scheduler.SequentialLR(sam, [warmup, decay], milestones=[3])
print("start", fmt(g["lr"] for g in sam.param_groups), fmt(g["initial_lr"] for g in sam.param_groups))
for epoch in range(10):
    loss = sam_epoch(model, sam)
    sched.step()
    print(epoch, f"{loss:.5f}", fmt(sched.get_last_lr()), fmt(g["lr"] for g in sam.base_optimizer.param_groups))
print("SAM+SequentialLR", weights(model))

# Lookahead over SGD with CosineAnnealingLR; the inner optimizer's groups are the ones scheduled
model = make_model()
base = torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.5)
look = Lookahead(base, k=3, alpha=0.5)
cos = lr_scheduler.CosineAnnealingLR(look, T_max=8, eta_min=0.01)
for epoch in range(8):
    loss = plain_epoch(model, look)
    cos.step()
    print(epoch, f"{loss:.5f}", fmt(cos.get_last_lr()), fmt([base.param_groups[0]["lr"]]))
print("Lookahead+Cosine", weights(model), cos.last_epoch, fmt(cos.base_lrs))

# LambdaLR and ReduceLROnPlateau on SAM; SWALR on Lookahead
model = make_model()
sam = SAM(model.parameters(), torch.optim.SGD, rho=0.05, lr=0.1)
lam = lr_scheduler.LambdaLR(sam, lambda e: 1.0 / (1 + e))
plateau = lr_scheduler.ReduceLROnPlateau(sam, factor=0.5, patience=0)
for epoch in range(5):
    loss = sam_epoch(model, sam)
    lam.step()
    plateau.step(1.0)
    print(epoch, f"{loss:.5f}", fmt(lam.get_last_lr()), fmt(plateau.get_last_lr()), plateau.num_bad_epochs)
print("SAM+LambdaLR+Plateau", weights(model))
model = make_model()
look = Lookahead(torch.optim.SGD(model.parameters(), lr=0.2), k=2)
swa = SWALR(look, swa_lr=0.05, anneal_epochs=3, anneal_strategy="linear")
for epoch in range(5):
    loss = plain_epoch(model, look)
    swa.step()
    print(epoch, f"{loss:.5f}", fmt(swa.get_last_lr()), fmt([look.param_groups[0]["swa_lr"]]))
print("Lookahead+SWALR", weights(model))

# MMEngine's schedulers: lr, momentum (SGD's) and a SAM option of its own (rho)
model = make_model()
sam = SAM(model.parameters(), torch.optim.SGD, rho=0.2, lr=0.1, momentum=0.9)
lin = LinearLR(sam, start_factor=0.5, by_epoch=False, begin=0, end=4)
mom = CosineAnnealingMomentum(sam, T_max=6, eta_min=0.5, by_epoch=False)
rho = PolyParamScheduler(sam, param_name="rho", eta_min=0.0, power=2.0, by_epoch=False, end=6)
for it in range(6):
    loss = sam_epoch(model, sam)
    for s in (lin, mom, rho):
        s.step()
    g = sam.param_groups[0]
    print(it, f"{loss:.5f}", fmt([g["lr"], g["momentum"], g["rho"]]), fmt(rho.get_last_value()))
print("SAM+MMEngine", weights(model), sorted(k for k in sam.param_groups[0] if k.startswith("initial_")))

# momentum as betas[0] over SAM on Adam
model = make_model()
sam = SAM(model.parameters(), torch.optim.Adam, rho=0.1, lr=0.01)
mom = CosineAnnealingMomentum(sam, T_max=4, eta_min=0.8, by_epoch=False)
for it in range(4):
    loss = sam_epoch(model, sam)
    mom.step()
    print(it, f"{loss:.5f}", fmt(sam.param_groups[0]["betas"]), fmt([sam.param_groups[0]["momentum"]]))
print("SAM(Adam)+Momentum", weights(model))

# the step-order warnings: scheduler.step() first, and optimizer.step replaced after binding
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model = make_model()
    sam = SAM(model.parameters(), torch.optim.SGD, lr=0.1)
    s = lr_scheduler.StepLR(sam, step_size=1)
    s.step()
    s.step()
    print("torch, scheduler first:", step_order(caught))
    caught.clear()
    sam = SAM(model.parameters(), torch.optim.SGD, lr=0.1)
    s = lr_scheduler.ExponentialLR(sam, gamma=0.9)
    sam_epoch(model, sam)
    s.step()
    print("torch, in order:", step_order(caught))
    caught.clear()
    sam = SAM(model.parameters(), torch.optim.SGD, lr=0.1)
    s = lr_scheduler.ExponentialLR(sam, gamma=0.9)
    sam.step = lambda closure=None: None
    s.step()
    print("torch, step replaced:", step_order(caught))
    caught.clear()
    sam = SAM(model.parameters(), torch.optim.SGD, lr=0.1, momentum=0.9)
    s = LinearLR(sam, start_factor=0.5, by_epoch=False, end=3)
    s.step()
    print("mmengine, scheduler first:", step_order(caught))
    caught.clear()
    sam = SAM(model.parameters(), torch.optim.SGD, lr=0.1, momentum=0.9)
    s = LinearLR(sam, start_factor=0.5, by_epoch=False, end=3)
    sam_epoch(model, sam)
    s.step()
    print("mmengine, in order:", step_order(caught), sam._global_step)


class NotAnOptimizer:
    def __init__(self):
        self.param_groups = [{"lr": 0.1}]


try:
    lr_scheduler.StepLR(NotAnOptimizer(), step_size=1)
except TypeError as e:
    print("TypeError", str(e).startswith("NotAnOptimizer is not an Optimizer"))
