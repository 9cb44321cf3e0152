# In-place random fills as init code writes them: they change the tensor every name holds, keep
# its dtype and shape, and stay in range (the values are trick's own stream, so only facts print).
import torch
import torch.nn as nn

m = nn.Linear(3, 2)
m.weight.data.normal_(0, 0.01)
m.bias.data.zero_()
print(m.bias)
w = m.weight.detach()
print(tuple(w.shape), float(w.abs().max()) < 0.1, float(w.abs().max()) > 0)
t = torch.empty(2, 5, dtype=torch.float64).uniform_(-1, 1)
print(tuple(t.shape), t.dtype, bool((t.abs() <= 1).all()), bool((t != 0).all()))
x = torch.zeros(4)
y = x
r = x.normal_(mean=2.0, std=0.5)
print(bool((y != 0).all()), r is x)
