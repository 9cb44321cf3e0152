# Dict lookups by str keys made in different ways, and isinstance against built-in types (the
# VM's inline paths for `d[k]` and `isinstance(v, T)` must agree with the general ones).
from collections import OrderedDict, defaultdict, Counter

d = {'type': 'L1', 'lr': 0.01, 'a': 1, 'b': 2, 'cfg': {'norm': 'BN'}}
k = 'l' + 'r'
print(d[k], d['lr'], d.get(k), d.get('L' + 'R', 'missing'))
big = {('key' + str(i)): i for i in range(40)}
print(big['key7'], big['key' + '39'], big.get('key40', -1), 'key12' in big, len(big))
composed, precomposed = 'e\u0301', '\u00e9'
u = {precomposed: 'pre', composed: 'com'}
print(len(u), u[precomposed], u[composed], u.get('e' + '\u0301'))
long_key = 'a string key longer than fifteen bytes'
lk = {long_key: 1}
print(lk['a string key longer ' + 'than fifteen bytes'], lk.get(long_key[:-1], 0))
try:
    d['missing']
except KeyError as e:
    print('KeyError', e)
dd = defaultdict(list)
dd['x'].append(1)
print(dd['x'], dd['y'], sorted(dd))
c = Counter('abca')
print(c['a'], c['z'])
od = OrderedDict(a=1)
print(od['a'])
n = {1: 'one', 2.0: 'two', True: 'true?'}
print(n[1], n[2], n[1.0], len(n))
t = {(1, 'a'): 'tuple'}
print(t[(1, 'a')], t[(1, 'a' + '')])

values = [1, True, 1.5, 'a', [1], (1,), {}, {1}, None, OrderedDict(), defaultdict(int), Counter(), range(2)]
types = [int, bool, float, str, list, tuple, dict, set]
for v in values:
    print(type(v).__name__, [t.__name__ for t in types if isinstance(v, t)], isinstance(v, (list, tuple)), isinstance(v, (int, str)))

# loops over a dict's views: plain dicts read in place, anything else calls the method
cfg = {'type': 'L1', 'lr': 0.01, 'cfg': {'norm': 'BN'}}
print([k for k in cfg.keys()], [v for v in cfg.values()], [kv for kv in cfg.items()])
for v in cfg.values():
    print('value', v)
for kv in cfg.items():
    print('pair', kv)
print(sum([1 for _ in {}.values()]), [k for k, v in {}.items()])
print({k: v for k, v in cfg.items() if k != 'lr'}, [(k, v) for k, v in OrderedDict(b=2, a=1).items()])
print([v for v in defaultdict(int, x=3).values()], [k for k in Counter('aab').keys()])
class Store:
    def __init__(self):
        self.data = {'p': 1, 'q': 2}
    def keys(self):
        return ['p', 'q']
    def values(self):
        return [10, 20]
    def items(self):
        return [('p', 10), ('q', 20)]
s = Store()
print([v for v in s.values()], [k for k in s.keys()], [(k, v) for k, v in s.items()])
for k, v in s.items():
    print(k, v)
try:
    for v in [1, 2].values():
        pass
except AttributeError as e:
    print('AttributeError', e)
