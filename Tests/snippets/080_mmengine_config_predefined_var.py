# Source: https://mmengine.readthedocs.io/en/latest/advanced_tutorials/config.html (docs/en/advanced_tutorials/config.md)
#   "Predefined fields": {{fileBasenameNoExtension}}, as published (the page's import included).
from mmengine.config import Config

cfg = Config.fromfile('./predefined_var.py')
print(cfg.work_dir)
