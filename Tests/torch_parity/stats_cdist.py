# torch.std_mean / var_mean and torch.cdist as feature statistics and metric-learning code use
# them: dims, unbiased / correction, keepdim, p = 2 and 1, batches, and gradients
import torch
x = torch.tensor([[1.0, 2.0, 4.0, 7.0], [0.5, -1.5, 3.0, 2.0], [9.0, 9.0, 9.0, 9.0]])
print(torch.std_mean(x), torch.var_mean(x), torch.std_mean(x, 1), torch.var_mean(x, dim=0, keepdim=True))
print(torch.std_mean(x, dim=1, unbiased=False), torch.var_mean(x, 1, correction=0), torch.var_mean(x, [0, 1]), torch.std_mean(x, False))
xg = x.clone().requires_grad_(True)
s, m = torch.std_mean(xg, dim=1)
(s + 2 * m).sum().backward()
print(xg.grad)
a = torch.tensor([[0.0, 0.0], [1.0, 2.0], [3.0, -1.0]], requires_grad=True)
b = torch.tensor([[1.0, 1.0], [0.0, 0.0], [-2.0, 4.0], [3.0, -1.0]], requires_grad=True)
d = torch.cdist(a, b)
print(d.detach(), torch.cdist(a.detach(), b.detach(), p=1), torch.cdist(a.detach(), b.detach(), p=3.0))
(d * torch.arange(12.0).reshape(3, 4)).sum().backward()
print(a.grad, b.grad)
a.grad = None
b.grad = None
torch.cdist(a, b, p=1).sum().backward()
print(a.grad, b.grad)
print(torch.cdist(torch.arange(12.0).reshape(2, 3, 2), torch.ones(2, 2, 2)), torch.cdist(torch.ones(1, 3), torch.ones(2, 3)))
