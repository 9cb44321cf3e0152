# for-loop and comprehension targets unpacked into locals (k, v / k, / a, b, c), dict items without
# tuples, items() of other objects, errors of bad items; CPython is the witness.
from collections import OrderedDict, defaultdict
d = {'a': 1, 'b': 2, 'c': 3}
for k, v in d.items():
    print(k, v)
for (k, v) in d.items():
    d2 = k
print(k, v, d2)
print({kk: vv * 2 for kk, vv in d.items() if kk != 'b'})
print([k + str(v) for k, v in d.items()])
print([k for k, in [('x',), ('y',)]])
od = OrderedDict([('z', 9), ('y', 8)])
for k, v in od.items():
    print('od', k, v)
dd = defaultdict(int); dd['q'] += 1
print([(k, v) for k, v in dd.items()])
for i, x in enumerate('ab'):
    print(i, x)
for a, b, c in [(1, 2, 3), [4, 5, 6], 'xyz']:
    print(a, b, c)
for a, b in zip([1, 2], [3, 4]):
    print(a + b)
try:
    for a, b in [(1, 2, 3)]:
        pass
except ValueError as e:
    print('ValueError', str(e).startswith('too many values to unpack (expected 2'))
try:
    for a, b in [(1,)]:
        pass
except ValueError as e:
    print('ValueError', e)
try:
    for a, b in [5]:
        pass
except TypeError as e:
    print('TypeError', e)
class M:
    def items(self):
        return [(1, 'one'), (2, 'two')]
for k, v in M().items():
    print('M', k, v)
print({k: v for k, v in M().items()})
try:
    for k, v in [1, 2].items():
        pass
except AttributeError as e:
    print('AttributeError', e)
def gen():
    for k, v in {'g': 1}.items():
        yield k, v
print(list(gen()))
for k, v in {}.items():
    print('never')
d3 = {'a': 1}
for k, v in d3.items():
    d3['a'] = 5
print(d3)
x = y = 0
for x, y in [(1, 2)]:
    pass
print(x, y)
for k, v in sorted({'b': 1, 'a': 2}.items()):
    print(k, v)
def f():
    for k, v in {1: 2}.items():
        pass
    return k, v
print(f())
k, = ('x',)
print(k)
for j, in [('y',)]:
    print(j)
print([m for m, in [('z',)]])
(a,) = [1]
print(a)
