# a tiny classifier trained with torch's newer activations and losses (explicit weights: trick's
# random stream is its own): GELU / SiLU / LeakyReLU / Mish layers, NLL on log_softmax, BCE on a
# sigmoid, KL to soft targets, Huber and cosine-similarity terms; SGD steps, losses and gradients.
import torch
import torch.nn as nn
import torch.nn.functional as F

net = nn.Sequential(nn.Linear(4, 6), nn.GELU(), nn.Linear(6, 6), nn.LeakyReLU(0.1), nn.Linear(6, 3))
aux = nn.Sequential(nn.Linear(4, 5), nn.SiLU(), nn.Linear(5, 2), nn.Mish())
print(net)
print(aux)
with torch.no_grad():
    for i, p in enumerate(list(net.parameters()) + list(aux.parameters())):
        p.copy_(torch.linspace(-0.6, 0.7, p.numel()).reshape(p.shape) * (1 + 0.1 * i))
x = torch.linspace(-2, 2, 32).reshape(8, 4).sin() * 2
y = torch.tensor([0, 1, 2, 1, 0, 2, 2, 1])
soft = F.softmax(torch.linspace(-1, 1, 24).reshape(8, 3).cos() * 3, dim=1)
box = torch.linspace(-1, 1, 16).reshape(8, 2)
opt = torch.optim.SGD(list(net.parameters()) + list(aux.parameters()), lr=0.1, momentum=0.9)
nll, bce, kl, huber = nn.NLLLoss(weight=torch.tensor([1.0, 2.0, 0.5])), nn.BCELoss(), nn.KLDivLoss(reduction='batchmean'), nn.HuberLoss(delta=0.5)
for step in range(5):
    opt.zero_grad()
    logits = net(x)
    logp = F.log_softmax(logits, dim=1)
    a = aux(x)
    prob = torch.sigmoid(logits[:, 0])
    terms = [nll(logp, y), bce(prob, (y == 0).float()), kl(logp, soft), huber(a, box),
             (1 - F.cosine_similarity(a, box, dim=1)).mean(), F.softplus(logits, beta=2).mean() * 0.01,
             F.elu(a).pow(2).mean() * 0.1, F.hardswish(logits).mean() * 0.01]
    loss = sum(terms)
    loss.backward()
    print(step, [round(t.item(), 5) for t in terms], round(loss.item(), 5))
    opt.step()
print(loss.grad_fn.name(), terms[0].grad_fn.name(), terms[1].grad_fn.name(), terms[2].grad_fn.name())
print(net[0].weight.grad)
print(net[2].bias.grad)
print(aux[0].weight.grad)
print(aux[2].weight)
