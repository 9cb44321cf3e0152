# isinstance(x, T) with a local x and global names: the VM decides the built-in case in one
# instruction and must fall back to the real call whenever the names mean something else.
from collections import OrderedDict, defaultdict


class Box:
    pass


def kinds(x):
    return [isinstance(x, dict), isinstance(x, int), isinstance(x, bool), isinstance(x, float),
            isinstance(x, str), isinstance(x, list), isinstance(x, tuple), isinstance(x, Box),
            isinstance(x, object)]


for value in [{}, OrderedDict(), defaultdict(int), 1, True, 1.5, 'a', [1], (1,), None, Box()]:
    print(type(value).__name__, kinds(value))


def unbound():
    try:
        return isinstance(y, int)
    except UnboundLocalError as e:
        return 'UnboundLocalError'
    y = 1


print(unbound())

number = int


def through_alias(x):
    return isinstance(x, number)


print(through_alias(3), through_alias('3'))


def shadowed(x):
    return isinstance(x, dict)


print(shadowed({}))
real = isinstance


def isinstance(x, t):       # a program's own isinstance: every later call is to it
    return 'mine'


print(shadowed({}), shadowed(3))
isinstance = real
print(shadowed({}), shadowed(3))
real_dict = dict
dict = list                 # a type name rebound
print(shadowed([]), shadowed({}))
dict = real_dict
print(shadowed([]), shadowed({}))


def missing(x):
    return isinstance(x, NotDefinedAnywhere)


try:
    missing(1)
except NameError as e:
    print('NameError', e)
tuple_types = (int, str)


def by_tuple(x):
    return isinstance(x, tuple_types)


print(by_tuple(1), by_tuple('a'), by_tuple(1.0))


# A name over a built-in hides it; `del` shows the built-in again (CPython's builtins are a
# namespace of their own); deleting a name that is only the built-in is a NameError.
def kind(x):
    return isinstance(x, dict)


dict = list
print(kind([]), kind({}))
del dict
print(kind([]), kind({}), dict(a=1))
try:
    del dict
except NameError as e:
    print('NameError', e)
print(kind({}))
