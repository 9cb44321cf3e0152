# torch.optim.Optimizer's own behaviour, as a subclass sees it: groups, defaults, errors,
# zero_grad, add_param_group, state_dict / load_state_dict, repr.
import warnings

import torch
import torch.nn as nn
from torch.optim import Optimizer
from torch.optim.optimizer import required


class SignSGD(Optimizer):
    def __init__(self, params, lr=required, decay=0.0):
        super().__init__(params, dict(lr=lr, decay=decay))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                state["step"] = state.get("step", 0) + 1
                state["last"] = p.grad.sign()
                p.add_(p.grad.sign() * -group["lr"] - p * group["decay"])


model = nn.Linear(2, 2)
model.load_state_dict({"weight": torch.tensor([[0.5, -1.0], [0.25, 2.0]]), "bias": torch.tensor([0.1, -0.2])})
extra = nn.Parameter(torch.tensor([1.0, -3.0]))
opt = SignSGD([{"params": [model.weight], "lr": 0.1}, {"params": model.bias, "decay": 0.5}], lr=0.01)
print(opt)
print([sorted(g.keys()) for g in opt.param_groups], opt.defaults)
x = torch.tensor([[1.0, -2.0], [0.5, 0.5]])
for _ in range(3):
    opt.zero_grad()
    model(x).pow(2).sum().backward()
    opt.step()
print([round(v, 5) for v in model.weight.flatten().tolist()], [round(v, 5) for v in model.bias.tolist()])
print(len(opt.state), opt.state[model.weight]["step"], opt.state[model.bias]["last"].tolist())

opt.add_param_group({"params": extra, "lr": 1.0})
print(len(opt.param_groups), opt.param_groups[2]["decay"], opt.param_groups[2]["params"][0] is extra)
sd = opt.state_dict()
print(sorted(sd.keys()), sorted(sd["state"].keys()), [g["params"] for g in sd["param_groups"]])
print([sorted(g.items()) for g in sd["param_groups"]][0])

opt.zero_grad(set_to_none=False)
print(model.weight.grad.tolist(), extra.grad)
opt.zero_grad()
print(model.weight.grad)

# a second optimizer over the same parameters takes the first one's state
other = SignSGD([{"params": [model.weight], "lr": 0.3}, {"params": [model.bias]}, {"params": [extra]}], lr=0.02)
other.load_state_dict(sd)
print(other.param_groups[0]["lr"], other.param_groups[1]["decay"], other.param_groups[2]["lr"], other.defaults)
print(other.state[model.weight]["step"], other.param_groups[0]["params"][0] is model.weight)
sd["param_groups"][0]["lr"] = 9.0
print(other.param_groups[0]["lr"])

for bad in [lambda: SignSGD([], lr=0.1),
            lambda: SignSGD(torch.ones(2), lr=0.1),
            lambda: SignSGD([model.weight, 3], lr=0.1),
            lambda: SignSGD([{"params": [model.weight]}, {"params": [model.weight]}], lr=0.1),
            lambda: SignSGD([model.weight]),
            lambda: opt.add_param_group([extra]),
            lambda: opt.add_param_group({"params": {extra}}),
            lambda: other.load_state_dict({"state": {}, "param_groups": sd["param_groups"][:2]}),
            lambda: Optimizer([model.weight], {}).step()]:
    try:
        bad()
        print("no error")
    except Exception as e:
        print(type(e).__name__, e)

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    twice = SignSGD([model.weight, model.weight], lr=0.1)
print(len(caught), str(caught[0].message)[:60], len(twice.param_groups[0]["params"]))
