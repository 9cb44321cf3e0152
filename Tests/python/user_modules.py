# A user's own modules next to the script: absolute and relative imports, packages, module
# globals seen by the module's own functions, circular imports, `from m import *` with __all__,
# registries filled by decorators in another file, exceptions defined in another module.
import sys
import trickpkg
from trickpkg import *
from trickpkg.losses import WeightedL1, ConfigError
import trickpkg.registry as reg
import trickpkg.cycle_a
from trickpkg.cycle_b import partner

print(VERSION, sorted(trickpkg.LOSSES.modules), '_private' in dir(), 'WeightedL1' in dir())
loss = build(dict(type='WeightedL1', weight=2.0))
print(loss, round(loss([1.0, 2.0], [0.0, 4.0]), 4))
build({'type': 'WeightedL1'})
print('builds counted in the module:', reg.calls, trickpkg.registry.calls)
reg.calls = 10
build({'type': 'WeightedL1'})
print('after assignment from outside:', reg.calls)
try:
    WeightedL1(weight=-1)
except ValueError as e:
    print(type(e).__name__, isinstance(e, ConfigError), e)
print(trickpkg.cycle_a.both(), partner())
print(trickpkg.loss_pkg.weighted.EPS, trickpkg.losses is trickpkg.loss_pkg)
print([m for m in sorted(sys.modules) if m.startswith('trickpkg')])
print(__name__, trickpkg.__name__, trickpkg.losses.weighted.__name__, trickpkg.registry.__package__)
try:
    from trickpkg import nope
except ImportError as e:
    print('ImportError:', str(e).split(' (')[0])
try:
    import trickpkg.missing
except ModuleNotFoundError as e:
    print('ModuleNotFoundError:', e.name if hasattr(e, 'name') and e.name else 'trickpkg.missing')
try:
    from . import anything
except ImportError as e:
    print('ImportError:', str(e).split(' (')[0])
