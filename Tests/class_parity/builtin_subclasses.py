# Classes deriving from the libraries' own types: a loss, an optimizer, a transform.
import torch
from torch import nn
from mmseg.models.losses import CrossEntropyLoss
from mmseg.registry import MODELS
from mmcv.transforms import BaseTransform, Compose
from mmcv.transforms.builder import TRANSFORMS


@MODELS.register_module()
class ScaledCE(CrossEntropyLoss):
    def __init__(self, scale=2.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def forward(self, cls_score, label, **kwargs):
        return self.scale * super().forward(cls_score, label, **kwargs)


torch.manual_seed(0)
x = torch.randn(2, 3, 4, 4)
y = torch.randint(0, 3, (2, 4, 4))
loss = ScaledCE(scale=3.0, loss_weight=0.5)
plain = CrossEntropyLoss(loss_weight=0.5)
print(round((loss(x, y) / plain(x, y)).item(), 5), loss.loss_name, loss.scale)
print(isinstance(loss, CrossEntropyLoss), isinstance(loss, ScaledCE), issubclass(ScaledCE, CrossEntropyLoss))
built = MODELS.build(dict(type='ScaledCE', scale=1.0))
print(type(built).__name__, torch.allclose(built(x, y), CrossEntropyLoss()(x, y)))


class CountingSGD(torch.optim.SGD):
    def __init__(self, params, **kwargs):
        super().__init__(params, **kwargs)
        self.steps = 0

    def step(self, closure=None):
        self.steps += 1
        return super().step(closure)


model = nn.Linear(3, 1)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[0.5, -0.25, 1.0]]))
    model.bias.fill_(0.1)
opt = CountingSGD(model.parameters(), lr=0.1, momentum=0.9)
for _ in range(3):
    opt.zero_grad()
    model(torch.tensor([[1.0, 2.0, 3.0]])).pow(2).sum().backward()
    opt.step()
print(opt.steps, [round(v, 5) for v in model.weight.flatten().tolist()], round(model.bias.item(), 5))
print(type(opt).__name__, isinstance(opt, torch.optim.SGD), opt.param_groups[0]['lr'], opt.param_groups[0]['momentum'])
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
opt.step()
sched.step()
print(opt.param_groups[0]['lr'], sched.get_last_lr())


@TRANSFORMS.register_module()
class AddOffset(BaseTransform):
    def __init__(self, offset=1):
        super().__init__()
        self.offset = offset

    def transform(self, results):
        results['value'] = results['value'] + self.offset
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(offset={self.offset})'


class Double(AddOffset):
    def transform(self, results):
        results = super().transform(results)
        results['value'] *= 2
        return results


pipeline = Compose([dict(type='AddOffset', offset=3), Double(offset=1)])
print(pipeline(dict(value=1)), AddOffset(2))
print(isinstance(Double(), BaseTransform), [c.__name__ for c in Double.__mro__])
try:
    BaseTransform()
except TypeError as e:
    print('TypeError:', e)
