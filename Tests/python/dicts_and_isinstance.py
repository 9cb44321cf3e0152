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
