# MMEngine's OptimWrapper over an optimizer with several groups: `base_param_settings` holds the
# optimizer's defaults, `param_groups` is the optimizer's groups plus that dict, and schedulers
# built on the wrapper step it too (get_last_value() has one entry more; get_lr()['base_lr']
# follows the schedule).
import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper
from mmengine.optim.scheduler import (CosineAnnealingLR, LinearLR, MultiStepMomentum, OneCycleLR,
                                      ReduceOnPlateauLR, StepParamScheduler)


def model():
    m = nn.Sequential(nn.Conv2d(1, 2, 1), nn.Conv2d(2, 1, 1))
    with torch.no_grad():
        for i, p in enumerate(m.parameters()):
            p.copy_(torch.linspace(-0.3, 0.7, p.numel()).reshape(p.shape) * (i + 1))
    return m


def sgd(m):
    return torch.optim.SGD([{'params': m[0].parameters()}, {'params': m[1].parameters(), 'lr': 0.5}],
                           lr=0.05, momentum=0.9, weight_decay=5e-4)


def show(tag, values):
    print(tag, [round(v, 8) for v in values])


m = model()
wrapper = OptimWrapper(optimizer=sgd(m))
print(sorted(wrapper.base_param_settings.keys()))
print(wrapper.base_param_settings['params'], wrapper.base_param_settings['lr'])
print(len(wrapper.param_groups), len(wrapper.optimizer.param_groups))
print(wrapper.param_groups[-1] is wrapper.base_param_settings)
print(wrapper.get_lr())

# one scheduler: every group, the base one last
sched = StepParamScheduler(wrapper, param_name='lr', step_size=3, gamma=0.1)
print(sorted(wrapper.base_param_settings.keys()))
for epoch in range(7):
    show('step', sched.get_last_value())
    wrapper.step()
    sched.step()
print(wrapper.get_lr())
print(sched.base_values)

# chained schedulers (a warm-up, then cosine) and a momentum schedule on a fresh wrapper
m = model()
wrapper = OptimWrapper(optimizer=sgd(m))
warm = LinearLR(wrapper, start_factor=0.1, by_epoch=False, begin=0, end=3)
cos = CosineAnnealingLR(wrapper, T_max=6, eta_min=1e-4, by_epoch=False, begin=3, end=9)
mom = MultiStepMomentum(wrapper, milestones=[2, 5], gamma=0.5)
for it in range(9):
    x = torch.ones(1, 1, 2, 2)
    wrapper.update_params(m(x).sum())
    for s in (warm, cos, mom):
        s.step()
    show('lr', warm.get_last_value())
    show('cos', cos.get_last_value())
    show('mom', mom.get_last_value())
    print(wrapper.get_lr()['base_lr'], wrapper.get_momentum())
print([round(float(p.sum()), 6) for p in m.parameters()])

# OneCycle writes initial/max/min lr into every group, the base one included (a list of eta_max
# has one value per group of the wrapper, the base one too)
m = model()
wrapper = OptimWrapper(optimizer=sgd(m))
one = OneCycleLR(wrapper, eta_max=[0.1, 1.0, 0.2], total_steps=6, by_epoch=False)
for it in range(6):
    show('onecycle', one.get_last_value())
    wrapper.step()
    one.step()
print(sorted((k, round(v, 8)) for k, v in wrapper.base_param_settings.items() if k.endswith('lr')))

# ReduceOnPlateau: a per-group min_value list takes its last value for the base group
m = model()
wrapper = OptimWrapper(optimizer=sgd(m))
plateau = ReduceOnPlateauLR(wrapper, monitor='loss', patience=1, factor=0.5, min_value=[0.01, 0.2])
print(plateau.min_values)
for loss in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]:
    wrapper.step()
    plateau.step(dict(loss=loss))
    show('plateau', plateau.get_last_value())

# a single group: no base_param_settings, the optimizer's groups alone
single = OptimWrapper(optimizer=torch.optim.SGD(model().parameters(), lr=0.1))
print(single.base_param_settings, len(single.param_groups), single.get_lr())
s = StepParamScheduler(single, param_name='lr', step_size=1, gamma=0.5)
single.step()
s.step()
print(s.get_last_value())
