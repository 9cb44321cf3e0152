# mmengine.registry.init_default_scope: the DefaultScope instance it makes (once per scope), and
# a registered class coming back from MODELS.get as itself.
import torch.nn as nn
from mmengine.registry import MODELS, DefaultScope, init_default_scope

init_default_scope('mmseg')
print(DefaultScope.get_current_instance().scope_name, DefaultScope.get_current_instance().instance_name)
init_default_scope('mmseg')
print(DefaultScope.get_current_instance().instance_name)
init_default_scope('mmdet')
print(DefaultScope.get_current_instance().scope_name, DefaultScope.check_instance_created('mmdet'))


@MODELS.register_module()
class TinyHead(nn.Module):
    def __init__(self, channels=2):
        super().__init__()
        self.conv = nn.Conv2d(channels, 1, 1)


print(MODELS.get('TinyHead') is TinyHead, issubclass(MODELS.get('TinyHead'), nn.Module))
print(type(MODELS.build(dict(type='TinyHead', channels=3))).__name__)
