# F.embedding / nn.Embedding (query embeddings, class tokens) and F.pixel_shuffle /
# pixel_unshuffle / nn.PixelShuffle (sub-pixel upsampling heads), with gradients
import torch
import torch.nn as nn
import torch.nn.functional as F
w = torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]], requires_grad=True)
ids = torch.tensor([[1, 3, 1], [0, 2, 3]])
e = F.embedding(ids, w)
print(e)
(e * torch.arange(12.0).reshape(2, 3, 2)).sum().backward()
print(w.grad)
w.grad = None
e = F.embedding(ids, w, padding_idx=1)
e.sum().backward()
print(e.detach(), w.grad, F.embedding(torch.tensor(2), w.detach()), F.embedding(torch.tensor([1]), w.detach(), padding_idx=-3))
emb = nn.Embedding(4, 2, padding_idx=0)
print(emb, tuple(emb.weight.shape), emb.weight[0])
with torch.no_grad():
    emb.weight.copy_(w)
out = emb(torch.tensor([0, 2, 2]))
out.sum().backward()
print(out, emb.weight.grad)
x = torch.arange(1 * 8 * 2 * 3, dtype=torch.float32).reshape(1, 8, 2, 3)
y = F.pixel_shuffle(x, 2)
print(y.size(), y[0, 1], torch.equal(F.pixel_unshuffle(y, 2), x), F.pixel_unshuffle(torch.arange(16.0).reshape(1, 1, 4, 4), 2))
print(F.pixel_shuffle(torch.arange(9.0).reshape(9, 1, 1), 3), nn.PixelShuffle(2), nn.PixelUnshuffle(3), nn.PixelShuffle(2)(x)[0, 0])
xg = x.clone().requires_grad_(True)
y = F.pixel_shuffle(xg, 2)
print(y.grad_fn.name())
(y * torch.arange(48.0).reshape(1, 2, 4, 6)).sum().backward()
print(xg.grad[0, :, 0])
zg = torch.arange(16.0).reshape(1, 1, 4, 4).requires_grad_(True)
(F.pixel_unshuffle(zg, 2) * torch.arange(16.0).reshape(1, 4, 2, 2)).sum().backward()
print(zg.grad)
for bad in [lambda: F.embedding(torch.tensor([4]), w), lambda: F.pixel_shuffle(torch.ones(1, 3, 2, 2), 2), lambda: F.pixel_unshuffle(torch.ones(1, 1, 3, 3), 2)]:
    try:
        bad()
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__)
