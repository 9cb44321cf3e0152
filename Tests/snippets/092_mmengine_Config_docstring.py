# Source: https://mmengine.readthedocs.io/en/latest/api/generated/mmengine.config.Config.html — the docstring example of mmengine.config.Config, as published: its first example (the second reads a file of mmengine's test tree);
#   converted to a script: ">>> " prompts removed, the imports the docstring assumes added, each value the
#   doc displays wrapped in print().
from mmengine.config import Config
cfg = Config(dict(a=1, b=dict(b1=[0, 1])))
print(cfg.a)
print(cfg.b)
print(cfg.b.b1)
