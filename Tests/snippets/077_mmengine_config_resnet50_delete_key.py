# Source: https://mmengine.readthedocs.io/en/latest/advanced_tutorials/config.html (docs/en/advanced_tutorials/config.md)
#   "Delete key in dict": the page's code, as published (its first block's import included).
from mmengine.config import Config

cfg = Config.fromfile('resnet50_delete_key.py')
print(cfg.optimizer)
