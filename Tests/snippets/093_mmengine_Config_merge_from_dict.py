# Source: https://mmengine.readthedocs.io/en/latest/api/generated/mmengine.config.Config.html#mmengine.config.Config.merge_from_dict — the docstring example of mmengine.config.Config.merge_from_dict, as published;
#   converted to a script: ">>> " prompts removed, the imports the docstring assumes added, each value the
#   doc displays wrapped in print().
from mmengine import Config
options = {'model.backbone.depth': 50, 'model.backbone.with_cp': True}
cfg = Config(dict(model=dict(backbone=dict(type='ResNet'))))
cfg.merge_from_dict(options)
print(cfg._cfg_dict)
cfg = Config(
    dict(pipeline=[dict(type='LoadImage'),
                   dict(type='LoadAnnotations')]))
options = dict(pipeline={'0': dict(type='SelfLoadImage')})
cfg.merge_from_dict(options, allow_list_keys=True)
print(cfg._cfg_dict)
