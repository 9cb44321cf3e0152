# collections: OrderedDict, defaultdict, Counter, deque, namedtuple as CPython 3.11 has them.
from collections import OrderedDict, defaultdict, Counter, deque, namedtuple
import collections

od = OrderedDict()
od['b'] = 1
od['a'] = 2
od['c'] = 3
print(od, list(od), od['a'], len(od), 'a' in od)
od.move_to_end('b')
print(list(od.keys()))
od.move_to_end('b', last=False)
print(od)
print(od.popitem(), od.popitem(last=False), od)
print(OrderedDict(x=1) == OrderedDict(x=1), OrderedDict([('a', 1), ('b', 2)]) == OrderedDict([('b', 2), ('a', 1)]))
print(OrderedDict([('a', 1), ('b', 2)]) == {'b': 2, 'a': 1}, isinstance(od, dict), isinstance(od, OrderedDict))
print(OrderedDict(), dict(OrderedDict(a=1)), od.copy(), type(od.copy()).__name__ if False else 'ok')

dd = defaultdict(list)
for k, v in [('x', 1), ('y', 2), ('x', 3)]:
    dd[k].append(v)
print(dd, dd['x'], dd.get('z'), 'z' in dd, len(dd))
counts = defaultdict(int)
for w in 'the cat the dog the end'.split():
    counts[w] += 1
print(counts, sorted(counts.items()), dd.default_factory)
nd = defaultdict(None, a=1)
try:
    nd['missing']
except KeyError:
    print('KeyError')
lam = defaultdict(lambda: 'n/a')
print(lam['q'], dict(lam))
nested = defaultdict(lambda: defaultdict(int))
nested['a']['b'] += 2
print(nested['a']['b'], dict(nested['a']))

c = Counter('abracadabra')
print(c, c['a'], c['z'], len(c))
print(c.most_common(2), c.most_common()[-1])
c.update('aaz')
c.update({'b': 10})
print(c)
c.subtract(['a', 'a'])
print(c['a'], c.total(), sorted(c.elements())[:6])
d = Counter(a=3, b=1) + Counter(a=1, b=2, c=0)
print(d, Counter(a=3, b=1) - Counter(a=1, b=2), Counter(a=3, b=1) | Counter(a=1, b=2), Counter(a=3, b=1) & Counter(a=1, b=2))
print(Counter(), Counter([1, 1, 2]) == Counter({1: 2, 2: 1}), Counter(a=1) == Counter(a=1, b=0), isinstance(c, dict))
words = ['x', 'y', 'x']
print(Counter(words).most_common(1)[0][0], sum(Counter(words).values()))

q = deque([1, 2, 3])
q.append(4)
q.appendleft(0)
print(q, len(q), q[0], q[-1], 3 in q, list(q))
print(q.pop(), q.popleft(), q)
q.rotate(1)
print(q)
q.rotate(-2)
print(q)
q.extend([7, 8])
q.extendleft([9, 10])
print(q, q.count(7), q.index(7))
r = deque(maxlen=3)
for i in range(5):
    r.append(i)
print(r, r.maxlen, list(r))
r.appendleft(-1)
print(r, deque([1, 2]) == deque([1, 2]), deque([1]) == [1], bool(deque()), bool(r))
del r[0]
r[0] = 'z'
print(r, deque('abc'), deque())
try:
    deque().pop()
except IndexError as e:
    print('IndexError', e)
while q:
    q.popleft()
print(q)

Point = namedtuple('Point', ['x', 'y'])
p = Point(1, y=2)
print(p, p.x, p.y, p[0], p[-1], len(p), list(p), p == (1, 2), (1, 2) == p)
x, y = p
print(x + y, p._asdict(), p._replace(x=10), Point._fields, p._fields, Point._make([5, 6]))
print(isinstance(p, tuple), isinstance(p, Point), p[:1], tuple(p), sorted([Point(2, 1), Point(1, 5)]))
Rec = collections.namedtuple('Rec', 'name score, rank', defaults=[0])
print(Rec('a', 1.5), Rec('b', 2, 3), Rec._field_defaults)
try:
    Point(1)
except TypeError as e:
    print('TypeError', e)
try:
    Point(1, 2, 3)
except TypeError as e:
    print('TypeError', e)
try:
    p.x = 5
except AttributeError as e:
    print('AttributeError', e)
try:
    namedtuple('Bad', ['a', 'a'])
except ValueError as e:
    print('ValueError', e)
print(namedtuple('R', 'a def', rename=True)._fields)
