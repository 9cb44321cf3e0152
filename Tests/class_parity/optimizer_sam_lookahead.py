# Optimizers written as torch users write them, deriving from torch.optim.Optimizer:
# SAM (sharpness-aware minimization over a base optimizer) and Lookahead (slow weights over a
# fast optimizer), each training a small MLP from explicit weights on explicit data.
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F


class SAM(torch.optim.Optimizer):
    def __init__(self, params, base_optimizer, rho=0.05, adaptive=False, **kwargs):
        assert rho >= 0.0, f"Invalid rho, should be non-negative: {rho}"
        defaults = dict(rho=rho, adaptive=adaptive, **kwargs)
        super().__init__(params, defaults)
        self.base_optimizer = base_optimizer(self.param_groups, **kwargs)
        self.param_groups = self.base_optimizer.param_groups
        self.defaults.update(self.base_optimizer.defaults)

    @torch.no_grad()
    def first_step(self, zero_grad=False):
        grad_norm = self._grad_norm()
        for group in self.param_groups:
            scale = group["rho"] / (grad_norm + 1e-12)
            for p in group["params"]:
                if p.grad is None:
                    continue
                self.state[p]["old_p"] = p.data.clone()
                e_w = (torch.pow(p, 2) if group["adaptive"] else 1.0) * p.grad * scale.to(p)
                p.add_(e_w)
        if zero_grad:
            self.zero_grad()

    @torch.no_grad()
    def second_step(self, zero_grad=False):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                p.data = self.state[p]["old_p"]
        self.base_optimizer.step()
        if zero_grad:
            self.zero_grad()

    @torch.no_grad()
    def step(self, closure=None):
        assert closure is not None, "SAM needs a closure"
        closure = torch.enable_grad()(closure)
        self.first_step(zero_grad=True)
        closure()
        self.second_step()

    def _grad_norm(self):
        norms = [((torch.abs(p) if group["adaptive"] else 1.0) * p.grad).norm(p=2)
                 for group in self.param_groups for p in group["params"] if p.grad is not None]
        return torch.norm(torch.stack(norms), p=2)


class Lookahead(torch.optim.Optimizer):
    # as published (lonePatient/lookahead_pytorch): slow weights kept in the optimizer's state and
    # updated in place, the fast weights copied from them through .data; the base class's __init__
    # first, which torch 2's step hooks need
    def __init__(self, optimizer, k=5, alpha=0.5):
        super().__init__(optimizer.param_groups, dict(k=k, alpha=alpha))
        self.optimizer = optimizer
        self.k = k
        self.alpha = alpha
        self.param_groups = self.optimizer.param_groups
        self.state = defaultdict(dict)
        self.fast_state = self.optimizer.state
        for group in self.param_groups:
            group["counter"] = 0

    def update(self, group):
        for fast in group["params"]:
            param_state = self.state[fast]
            if "slow_param" not in param_state:
                param_state["slow_param"] = torch.zeros_like(fast.data)
                param_state["slow_param"].copy_(fast.data)
            slow = param_state["slow_param"]
            slow += (fast.data - slow) * self.alpha
            fast.data.copy_(slow)

    def update_lookahead(self):
        for group in self.param_groups:
            self.update(group)

    def step(self, closure=None):
        loss = self.optimizer.step(closure)
        for group in self.param_groups:
            if group["counter"] == 0:
                self.update(group)
            group["counter"] += 1
            if group["counter"] >= self.k:
                group["counter"] = 0
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


def show(name, model, losses):
    print(name, "losses", [f"{v:.5f}" for v in losses])
    for k, v in model.state_dict().items():
        print(" ", k, [f"{t:.5f}" for t in v.flatten().tolist()])


# SAM over SGD with momentum, two param groups (the head at 10x the LR)
model = make_model()
groups = [{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 0.5}]
opt = SAM(groups, torch.optim.SGD, rho=0.1, lr=0.05, momentum=0.9, weight_decay=1e-3)
print(type(opt).__name__, isinstance(opt, torch.optim.Optimizer), len(opt.param_groups))
print(sorted(opt.defaults.items()))
print(opt)
losses = []
for _ in range(8):
    def closure():
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        return loss
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step(closure)
    opt.zero_grad()
    losses.append(loss.item())
show("SAM", model, losses)
print(len(opt.state), sorted(opt.state[model[0].weight].keys()))
sd = opt.state_dict()
print(sorted(sd["state"].keys()), [g["params"] for g in sd["param_groups"]], sd["param_groups"][1]["lr"])

# adaptive SAM over Adam
model = make_model()
opt = SAM(model.parameters(), torch.optim.Adam, rho=0.5, adaptive=True, lr=0.01)
losses = []
for _ in range(6):
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    losses.append(loss.item())
    opt.step(lambda: F.cross_entropy(model(x), y).backward())
    opt.zero_grad()
show("ASAM", model, losses)

# Lookahead over SGD: slow weights every k=3 steps
model = make_model()
base = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.5)
opt = Lookahead(base, k=3, alpha=0.5)
print(isinstance(opt, torch.optim.Optimizer), opt.param_groups[0]["counter"], base.param_groups[0]["counter"], opt.k, opt.alpha)
losses = []
for _ in range(10):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
show("Lookahead", model, losses)
print([g["counter"] for g in opt.param_groups], len(opt.state))
slow = opt.state[model[0].bias]["slow_param"]
print("slow", [f"{t:.5f}" for t in slow.tolist()], slow is opt.state[model[0].bias]["slow_param"])
opt.update_lookahead()
show("Lookahead synced", model, [])
