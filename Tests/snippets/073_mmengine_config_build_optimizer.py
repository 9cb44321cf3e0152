# Source: https://mmengine.readthedocs.io/en/latest/advanced_tutorials/config.html (docs/en/advanced_tutorials/config.md)
#   "How to use Config": building an optimizer from config_sgd.py, as published.
from mmengine import Config, optim
from mmengine.registry import OPTIMIZERS

import torch.nn as nn

cfg = Config.fromfile('config_sgd.py')

model = nn.Conv2d(1, 1, 1)
cfg.optimizer.params = model.parameters()
optimizer = OPTIMIZERS.build(cfg.optimizer)
print(optimizer)
