# globals(), vars(), dir(), importlib.import_module and the builtins module, as scripts use them
# (a registry looked up by name, a module chosen by a string).
import builtins
import importlib

SCALE = 3


def scaled(x):
    return x * globals()['SCALE']


def pick(name):
    return globals()[name]


print(scaled(2), pick('scaled') is scaled, vars()['SCALE'])
print(sorted(k for k in globals() if not k.startswith('__')))
print([n for n in dir() if not n.startswith('__')])


class Box:
    def __init__(self, w, h):
        self.w = w
        self.h = h


print(vars(Box(2, 3)), Box(1, 1).__dict__)
math = importlib.import_module('math')
print(math.floor(2.7), importlib.import_module('json').dumps({'a': [1, 2]}))
mod = importlib.import_module('trickpkg.registry')
print(mod.Registry('x').name, mod is importlib.import_module('.registry', package='trickpkg'))
print(builtins.len('abc'), builtins.max(3, 9), builtins.print is print, builtins.int('7') + 1)
try:
    importlib.import_module('.registry')
except TypeError as e:
    print('TypeError:', e)
try:
    vars(3)
except TypeError as e:
    print('TypeError:', e)
m = __import__('os.path')
print(m.__name__ if hasattr(m, '__name__') else 'os', __import__('os.path', fromlist=['join']).join('a', 'b'), __import__('json').dumps([1]))
r = __import__('trickpkg.registry', fromlist=['Registry'])
print(r.Registry('z').name)
