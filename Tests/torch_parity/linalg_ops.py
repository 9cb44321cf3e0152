# torch.linalg as training and evaluation code calls it: norms (with their gradients), inv, det,
# solve (with gradients), cholesky, qr, eigh / eigvalsh, svd / svdvals, pinv, lstsq; values that
# do not depend on the sign LAPACK picks for eigen- and singular vectors
import torch

x = torch.tensor([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0]])
print(torch.linalg.norm(x), torch.linalg.norm(x, dim=1), torch.linalg.norm(x, ord=1, dim=0), torch.linalg.norm(x, 'fro'))
print(torch.linalg.norm(x, float('inf')), torch.linalg.norm(x, -1), torch.linalg.norm(x[0], 3), torch.linalg.norm(x, 'nuc'), torch.linalg.norm(x, 2))
print(torch.linalg.vector_norm(x), torch.linalg.vector_norm(x, ord=1, dim=1), torch.linalg.vector_norm(x, float('inf'), dim=(0, 1), keepdim=True))
print(torch.linalg.vector_norm(x, 0), torch.linalg.vector_norm(x, -float('inf'), dim=0), torch.linalg.vector_norm(x, 0.5, dim=1), torch.linalg.vector_norm(x, -2, dim=1))
print(torch.linalg.matrix_norm(x), torch.linalg.matrix_norm(x, ord=1), torch.linalg.matrix_norm(x, ord=-1), torch.linalg.matrix_norm(x, float('inf')), torch.linalg.matrix_norm(x, -float('inf')))
print(torch.linalg.matrix_norm(x.reshape(1, 2, 3), 'nuc', keepdim=True), torch.linalg.matrix_norm(x, 2), torch.linalg.matrix_norm(x, -2), torch.linalg.vector_norm(torch.arange(4.0), dtype=torch.float64))
try:
    torch.linalg.vector_norm(torch.arange(4))
except RuntimeError as e:
    print("RuntimeError:", e)
xg = torch.tensor([[3.0, -4.0, 0.5], [1.0, 4.0, -2.0]]).requires_grad_()
(torch.linalg.norm(xg) + torch.linalg.vector_norm(xg, 1, dim=1).sum() + torch.linalg.vector_norm(xg, float('inf')) + torch.linalg.vector_norm(xg, 3, dim=0).sum()).backward()
print(xg.grad)
xg.grad = None
(torch.linalg.matrix_norm(xg, 1) + torch.linalg.matrix_norm(xg, float('inf')) + torch.linalg.matrix_norm(xg, 'fro')).backward()
print(xg.grad, torch.linalg.norm(xg).grad_fn.name())
a = torch.tensor([[4.0, 1.0, 2.0], [1.0, 5.0, -1.0], [2.0, -1.0, 6.0]])
a2 = torch.tensor([[[2.0, 1.0], [1.0, 3.0]], [[0.0, 2.0], [1.0, 1.0]]])
print(torch.linalg.det(a), torch.det(a2), a2.det(), torch.linalg.det(torch.tensor([[1.0, 2.0], [2.0, 4.0]])))
print(torch.linalg.inv(a), torch.inverse(a2), a2.inverse())
b = torch.tensor([1.0, -2.0, 3.0])
bm = torch.tensor([[1.0, 0.0], [2.0, 1.0], [-1.0, 3.0]])
print(torch.linalg.solve(a, b), torch.linalg.solve(a, bm), torch.linalg.solve(a2, torch.tensor([[1.0, 2.0], [3.0, 4.0]])))
try:
    torch.linalg.inv(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
except RuntimeError as e:
    print('RuntimeError:', e)
try:
    torch.linalg.solve(torch.zeros(2, 2), torch.ones(2))
except RuntimeError as e:
    print('RuntimeError:', e)
try:
    torch.linalg.inv(torch.ones(2, 3))
except RuntimeError as e:
    print('RuntimeError:', e)
ag = a.clone().requires_grad_()
w = torch.tensor([[1.0, 2.0, 0.0], [0.5, -1.0, 1.0], [0.0, 1.0, 3.0]])
(torch.linalg.inv(ag) * w).sum().backward()
print(ag.grad)
ag.grad = None
torch.linalg.det(ag).backward()
print(ag.grad)
ag.grad = None
bg = bm.clone().requires_grad_()
sol = torch.linalg.solve(ag, bg)
print(sol.grad_fn.name(), torch.linalg.inv(ag).grad_fn.name(), torch.linalg.det(ag).grad_fn.name())
(sol * torch.tensor([[1.0, -1.0], [2.0, 0.5], [0.0, 1.0]])).sum().backward()
print(ag.grad, bg.grad)
ag.grad = None
bv = b.clone().requires_grad_()
(torch.linalg.solve(ag, bv) ** 2).sum().backward()
print(ag.grad, bv.grad)
print(torch.linalg.cholesky(a), torch.linalg.cholesky(a2[:1], upper=True))
try:
    torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
except RuntimeError as e:
    print('RuntimeError:', e)
m = torch.tensor([[1.0, 2.0], [3.0, 4.5], [5.0, 7.0]])
q, r = torch.linalg.qr(m)
print(q, r)
q, r = torch.linalg.qr(m, mode='complete')
print(q.size(), r, torch.linalg.qr(m.t(), mode='r'))
print(torch.linalg.qr(torch.tensor([[-2.0, 1.0], [1.0, 3.0]])))
vals, vecs = torch.linalg.eigh(a)
print(vals, torch.linalg.eigvalsh(a2 + a2.transpose(1, 2)), (vecs @ torch.diag(vals) @ vecs.T - a).abs().max() < 1e-4)
print((vecs.T @ vecs - torch.eye(3)).abs().max() < 1e-5, torch.linalg.eigh(a).eigenvalues)
u, s, vh = torch.linalg.svd(m)
print(u.size(), s, vh.size(), ((u[:, :2] * s) @ vh - m).abs().max() < 1e-4)
u, s, vh = torch.linalg.svd(m, full_matrices=False)
print(u.size(), vh.size(), torch.linalg.svdvals(m.t()), torch.linalg.svdvals(a2))
print(torch.linalg.pinv(m), torch.linalg.pinv(torch.tensor([[1.0, 2.0], [2.0, 4.0]])))
sol = torch.linalg.lstsq(m, torch.tensor([[1.0], [2.0], [2.0]]))
print(sol.solution, sol.rank, sol.residuals.size(), sol.singular_values.size())
print(torch.linalg.lstsq(a, bm + 0.5).solution)
