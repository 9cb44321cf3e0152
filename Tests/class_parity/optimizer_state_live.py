# optimizer.state of torch's own optimizers is the optimizer's dict: a buffer changed in place or
# replaced under its key is what the next step() uses, and a held buffer follows the updates.
import torch
w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
for i in range(2):
    w.grad = torch.tensor([0.5, -1.0])
    opt.step()
st = opt.state
buf = st[w]["momentum_buffer"]
print(buf.tolist(), st is opt.state)
buf.mul_(0)
w.grad = torch.tensor([0.5, -1.0])
opt.step()
print(w.tolist(), buf.tolist(), opt.state[w]["momentum_buffer"] is buf)
opt.state[w]["momentum_buffer"] = torch.tensor([10.0, 10.0])
opt.step()
print(w.tolist(), opt.state[w]["momentum_buffer"].tolist())
a = torch.nn.Parameter(torch.tensor([1.0]))
adam = torch.optim.Adam([a], lr=0.1)
a.grad = torch.tensor([1.0]); adam.step()
s = adam.state[a]
print(sorted(s.keys()), s["step"].item())
s["exp_avg"].zero_()
a.grad = torch.tensor([1.0]); adam.step()
print(a.tolist(), s["step"].item(), s["exp_avg"].tolist())
w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
w.grad = torch.tensor([0.5, -1.0])
opt.step()
st = opt.state
e = st[w]
e["momentum_buffer"] = torch.tensor([10.0, 10.0])
print(opt.state[w]["momentum_buffer"].tolist(), e is opt.state[w])
opt.step()
print(w.tolist(), opt.state[w]["momentum_buffer"].tolist())
