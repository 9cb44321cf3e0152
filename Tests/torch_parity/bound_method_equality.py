# A module's, a tensor's and an optimizer's methods taken twice compare equal (same method, same
# object) and are never identical, as Python's bound methods.
import torch
from torch import nn

m = nn.Linear(2, 2)
n = nn.Linear(2, 2)
print(m.forward == m.forward, m.forward is m.forward, m.forward == m.train, m.forward == n.forward)
print(m.__call__ == m.__call__, m.parameters == m.parameters)
print(len({m.forward, m.forward, m.train}), {m.forward: 'f'}[m.forward])
t = torch.zeros(2)
print(t.add == t.add, t.add is t.add, t.add == t.sub, t.add == torch.zeros(2).add)
o = torch.optim.SGD(m.parameters(), lr=0.1)
print(o.step == o.step, o.zero_grad == o.step)
