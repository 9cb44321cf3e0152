# Source: https://mmengine.readthedocs.io/en/latest/advanced_tutorials/config.html (docs/en/advanced_tutorials/config.md)
#   "Reference of the inherited file": {{_base_.model}} in refer_base_var.py, as published (the page's import included).
from mmengine.config import Config

cfg = Config.fromfile('refer_base_var.py')
print(cfg.a)
