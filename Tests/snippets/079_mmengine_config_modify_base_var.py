# Source: https://mmengine.readthedocs.io/en/latest/advanced_tutorials/config.html (docs/en/advanced_tutorials/config.md)
#   "Reference of the inherited file": modify_base_var.py (a = _base_.model; a.type = ...), as published.
from mmengine.config import Config

cfg = Config.fromfile('modify_base_var.py')
print(cfg.a)
