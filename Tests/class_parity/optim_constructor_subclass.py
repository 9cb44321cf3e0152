# MMEngine's optimizer side with the script's own classes: a DefaultOptimWrapperConstructor
# subclass that changes base_lr, and an optimizer class registered in a child registry of
# OPTIMIZERS, built under its default scope.
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MMLogger
from mmengine.optim import OPTIM_WRAPPER_CONSTRUCTORS, OPTIMIZERS, DefaultOptimWrapperConstructor
from mmengine.registry import DefaultScope, Registry

MMLogger.get_current_instance().setLevel('ERROR')   # the constructor logs each parameter's options


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Linear(3, 4)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(F.relu(self.backbone(x)))


def make_net():
    net = Net()
    net.load_state_dict({
        "backbone.weight": torch.tensor([[0.2, -0.1, 0.4], [-0.3, 0.5, 0.1], [0.25, 0.05, -0.2], [0.0, 0.3, 0.35]]),
        "backbone.bias": torch.tensor([0.1, -0.05, 0.0, 0.2]),
        "head.weight": torch.tensor([[0.3, -0.2, 0.1, 0.4], [-0.1, 0.25, 0.3, -0.35]]),
        "head.bias": torch.tensor([0.05, -0.1]),
    })
    return net


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class WarmerConstructor(DefaultOptimWrapperConstructor):
    def __init__(self, optim_wrapper_cfg, paramwise_cfg=None):
        super().__init__(optim_wrapper_cfg, paramwise_cfg)
        self.base_lr = self.base_lr * 2


cfg = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
paramwise = dict(custom_keys={'head': dict(lr_mult=10.0)})
constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(type='WarmerConstructor', optim_wrapper_cfg=cfg, paramwise_cfg=paramwise))
print(constructor.base_lr, constructor.base_wd, constructor.optimizer_cfg, constructor.optim_wrapper_cfg, constructor.paramwise_cfg)
net = make_net()
wrapper = constructor(net)
print(type(wrapper).__name__, type(wrapper.optimizer).__name__, wrapper.optimizer.defaults['lr'])
print([(len(g['params']), g['lr'], g['weight_decay']) for g in wrapper.optimizer.param_groups])

CUSTOM = Registry('custom optimizer', scope='custom optimizer', parent=OPTIMIZERS)


@CUSTOM.register_module()
class SignSGD(torch.optim.Optimizer):
    def __init__(self, params, lr=0.01):
        super().__init__(params, dict(lr=lr))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group['params']:
                if p.grad is not None:
                    p.add_(p.grad.sign(), alpha=-group['lr'])


print('SignSGD' in OPTIMIZERS.children['custom optimizer'], CUSTOM.get('SGD') is not None)
x = torch.tensor([[1.0, 0.5, -0.5], [0.2, -1.0, 0.3], [-0.4, 0.8, 1.2]])
y = torch.tensor([0, 1, 1])
net = make_net()
with DefaultScope.overwrite_default_scope('custom optimizer'):
    wrapper = DefaultOptimWrapperConstructor(dict(optimizer=dict(type='SignSGD', lr=0.05)), paramwise)(net)
print(type(wrapper.optimizer).__name__, [g['lr'] for g in wrapper.optimizer.param_groups])
for _ in range(3):
    wrapper.update_params(F.cross_entropy(net(x), y))
print([round(v, 5) for v in net.head.weight.flatten().tolist()], [round(v, 5) for v in net.backbone.bias.tolist()])
OPTIMIZERS.children.pop('custom optimizer')
