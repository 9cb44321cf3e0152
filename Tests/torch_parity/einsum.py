# torch.einsum as attention / bilinear pooling / metric code writes it: matmul, batched
# products, implicit output, traces and diagonals, ellipsis, outer products, and gradients
import torch
a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
b = torch.tensor([[0.5, -1.0], [2.0, 0.0], [1.0, 3.0]], requires_grad=True)
y = torch.einsum('ij,jk->ik', a, b)
print(y.detach())
(y * torch.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
print(a.grad, b.grad)
print(torch.einsum('ij,jk', a.detach(), b.detach()), torch.einsum('ij->ji', a.detach()), torch.einsum('ij->', a.detach()))
m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], requires_grad=True)
tr = torch.einsum('ii', m)
tr.backward()
print(tr.detach(), m.grad)
m.grad = None
d = torch.einsum('ii->i', m)
(d * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
print(d.detach(), m.grad)
q = (torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) / 10).requires_grad_(True)
k = ((torch.arange(40, dtype=torch.float32).reshape(2, 5, 4) - 20) / 7).requires_grad_(True)
att = torch.einsum('bqd,bkd->bqk', q, k)
print(att.detach())
att.softmax(-1)[:, :, 0].sum().backward()
print(q.grad, k.grad)
x = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).reshape(2, 3, 4, 5) / 50
w = torch.tensor([[1.0, -1.0, 0.5], [0.0, 2.0, 1.0]])
print(tuple(torch.einsum('...chw,oc->...ohw', x, w).shape), torch.einsum('nchw,oc->nohw', x, w)[1, :, 2])
print(tuple(torch.einsum('...ij,...jk', torch.ones(2, 2, 3), torch.ones(3, 4)).shape))
u = torch.tensor([1.0, 2.0, 3.0])
v = torch.tensor([4.0, 5.0])
print(torch.einsum('i,j->ij', u, v), torch.einsum('i,i->', u, u), torch.einsum('i,i', u, u), torch.einsum('i->', u))
print(torch.einsum('bi,bj->bij', torch.tensor([[1.0, 2.0]]), torch.tensor([[3.0, 4.0, 5.0]])))
print(torch.einsum('ij,jk,kl->il', torch.eye(2), torch.ones(2, 3), torch.ones(3, 2)))
print(torch.einsum('nc,nc->n', torch.tensor([[1, 2], [3, 4]]), torch.tensor([[5, 6], [7, 8]])))
print(torch.einsum('Ab,bC->AC', torch.ones(2, 3), torch.ones(3, 2)), tuple(torch.einsum('ba', torch.ones(2, 3)).shape))
print(torch.einsum('ij,jk->ik', [torch.ones(2, 3), torch.ones(3, 1)]))
print(torch.einsum('bii->bi', torch.arange(8.0).reshape(2, 2, 2)), torch.einsum('iij->j', torch.arange(8.0).reshape(2, 2, 2)))
print(torch.einsum('i,j->', torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0, 5.0])), torch.einsum('ij,ij->ij', torch.ones(2, 1), torch.ones(1, 3)))
for bad in ['ij,jk->ik', 'ij->kk', 'i,j']:
    try:
        torch.einsum(bad, torch.ones(2, 3))
    except RuntimeError as e:
        print('RuntimeError')
