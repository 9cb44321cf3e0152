# F.grid_sample / F.affine_grid as spatial transformers and deformable heads use them:
# bilinear / nearest, zeros / border / reflection padding, align_corners both ways, gradients
# to the input and the grid, and to theta through affine_grid
import torch
import torch.nn.functional as F
x = torch.tensor([[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]]])
grid = torch.tensor([[[[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0]], [[-1.2, 0.3], [0.25, -0.5], [0.9, 1.4]]]])
for mode in ['bilinear', 'nearest']:
    for pad in ['zeros', 'border', 'reflection']:
        for ac in [False, True]:
            print(mode, pad, ac, F.grid_sample(x, grid, mode=mode, padding_mode=pad, align_corners=ac))
xg = x.clone().requires_grad_(True)
gg = grid.clone().requires_grad_(True)
for pad in ['zeros', 'border', 'reflection']:
    for ac in [False, True]:
        xg.grad = None
        gg.grad = None
        y = F.grid_sample(xg, gg, padding_mode=pad, align_corners=ac)
        (y * torch.tensor([1.0, 2.0, 3.0, -1.0, 0.5, 2.0]).reshape(1, 1, 2, 3)).sum().backward()
        print(pad, ac, xg.grad, gg.grad)
xg.grad = None
gg.grad = None
F.grid_sample(xg, gg, mode='nearest').sum().backward()
print(xg.grad, gg.grad)
theta = torch.tensor([[[0.9, -0.2, 0.1], [0.3, 1.1, -0.2]]], requires_grad=True)
for ac in [False, True]:
    g = F.affine_grid(theta, [1, 1, 3, 4], align_corners=ac)
    print(g.detach())
theta.grad = None
img = torch.arange(2 * 2 * 4 * 5, dtype=torch.float32).reshape(2, 2, 4, 5) / 10
th = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.8, 0.1, 0.2], [-0.1, 0.9, 0.05]]], requires_grad=True)
out = F.grid_sample(img, F.affine_grid(th, img.shape, align_corners=False), align_corners=False)
print(out.detach()[1, 0], torch.allclose(out[0], img[0]))
out.mean().backward()
print((th.grad * 1e4).round() / 1e4 + 0.0)  # the sums cancel to ~1e-8: compared at 4 decimals
print(F.affine_grid(torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]), (1, 3, 1, 2), align_corners=False))
