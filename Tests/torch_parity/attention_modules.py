# attention blocks as SegFormer / Mask2Former heads write them: F.scaled_dot_product_attention
# (bool / float masks, is_causal), nn.MultiheadAttention (batch_first or not, masks, need_weights,
# average_attn_weights, kdim / vdim, parameter names and initialisation), TransformerEncoderLayer
# (post- / pre-norm, relu / gelu) and TransformerEncoder; outputs, gradients and an SGD step
# (explicit weights: trick's random stream is its own)
import torch
import torch.nn as nn
import torch.nn.functional as F


def fill(module, scale=0.3):
    with torch.no_grad():
        for i, (name, p) in enumerate(module.named_parameters()):
            p.copy_(torch.linspace(-1, 1, p.numel()).reshape(p.shape).sin() * scale * (1 + 0.1 * i))


q = torch.linspace(-1, 1, 2 * 3 * 4 * 8).reshape(2, 3, 4, 8).sin()
k = torch.linspace(-2, 1, 2 * 3 * 5 * 8).reshape(2, 3, 5, 8).cos()
v = torch.linspace(0, 3, 2 * 3 * 5 * 6).reshape(2, 3, 5, 6).sin()
print(F.scaled_dot_product_attention(q, k, v)[0, 0])
keep = torch.tensor([[True, True, False, True, False]] * 4)
print(F.scaled_dot_product_attention(q, k, v, attn_mask=keep)[1, 2], F.scaled_dot_product_attention(q, k, v, scale=0.5)[0, 1, 0])
bias = torch.linspace(-1, 1, 20).reshape(4, 5)
print(F.scaled_dot_product_attention(q, k, v, attn_mask=bias)[1, 0], F.scaled_dot_product_attention(q, k[:, :, :4], v[:, :, :4], is_causal=True)[0, 2])
qg, kg, vg = q.clone().requires_grad_(), k.clone().requires_grad_(), v.clone().requires_grad_()
out = F.scaled_dot_product_attention(qg, kg, vg, attn_mask=keep)
(out * torch.linspace(-1, 1, out.numel()).reshape(out.shape)).sum().backward()
print(qg.grad[0, 0], kg.grad[1, 1], vg.grad[0, 2])

mha = nn.MultiheadAttention(8, 2)
print(mha)
print([(n, tuple(p.size())) for n, p in mha.named_parameters()], mha.batch_first, mha.head_dim, mha._qkv_same_embed_dim)
print(bool((mha.in_proj_bias == 0).all()), bool((mha.out_proj.bias == 0).all()), float(mha.in_proj_weight.abs().max()) <= (6 / (8 + 24)) ** 0.5)
fill(mha)
x = torch.linspace(-1, 1, 4 * 2 * 8).reshape(4, 2, 8).sin()
out, w = mha(x, x, x)
print(out, w)
out, w = mha(x, x, x, average_attn_weights=False)
print(w.size(), w[1, 0])
pad = torch.tensor([[False, False, True, False], [False, False, False, True]])
causal = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
out, w = mha(x, x, x, key_padding_mask=pad, attn_mask=causal)
print(out[:, 1], w[1])
out, w = mha(x, x, x, key_padding_mask=pad, need_weights=False)
print(out[2], w)
fmask = torch.linspace(-2, 0, 16).reshape(4, 4)
print(mha(x[:, 0], x[:, 0], x[:, 0], attn_mask=fmask)[0])
mem = torch.linspace(-1, 2, 6 * 2 * 8).reshape(6, 2, 8).cos()
print(mha(x, mem, mem)[0][3])

bf = nn.MultiheadAttention(8, 4, batch_first=True, kdim=5, vdim=3)
print([(n, tuple(p.size())) for n, p in bf.named_parameters()])
fill(bf, 0.5)
xb = x.transpose(0, 1)
kk = torch.linspace(-1, 1, 2 * 6 * 5).reshape(2, 6, 5)
vv = torch.linspace(1, -1, 2 * 6 * 3).reshape(2, 6, 3)
ob, wb = bf(xb, kk, vv, key_padding_mask=torch.tensor([[False] * 5 + [True], [False] * 6]))
print(ob[0], wb[0])
bf.train()
xg = xb.clone().requires_grad_()
ob, _ = bf(xg, kk, vv)
(ob ** 2).sum().backward()
print(xg.grad[1], bf.q_proj_weight.grad[0], bf.out_proj.bias.grad)

layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0)
print(layer)
print([n for n, _ in layer.named_parameters()])
fill(layer)
src = torch.linspace(-2, 2, 5 * 2 * 8).reshape(5, 2, 8).sin()
print(layer(src)[:, 0])
pre = nn.TransformerEncoderLayer(8, 2, 16, 0.0, activation='gelu', norm_first=True, batch_first=True)
fill(pre)
print(pre(src.transpose(0, 1), src_key_padding_mask=torch.tensor([[False, False, False, True, True], [False] * 5]))[0])
enc = nn.TransformerEncoder(pre, num_layers=2, norm=nn.LayerNorm(8))
fill(enc)
print(len(enc.layers), enc.layers[0] is not pre, enc(src.transpose(0, 1))[1])
enc2 = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, 0.0, batch_first=True), 2)
fill(enc2, 0.2)
enc2.eval()
padm = torch.tensor([[False, False, False, True, True], [False] * 5])
with torch.no_grad():
    print(enc2(src.transpose(0, 1), src_key_padding_mask=padm)[0])
print(enc2(src.transpose(0, 1), src_key_padding_mask=padm)[0])
enc2.train()
opt = torch.optim.SGD(enc2.parameters(), lr=0.05)
for step in range(3):
    opt.zero_grad()
    y = enc2(src.transpose(0, 1), mask=torch.triu(torch.full((5, 5), float('-inf')), diagonal=1))
    loss = (y[:, -1] ** 2).mean()
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 5))
print(enc2.layers[1].linear2.bias)
