# itertools, functools and copy as CPython 3.11 has them.
import itertools
from itertools import chain, product, permutations, combinations, accumulate, groupby, islice, repeat, count
from itertools import zip_longest, starmap, cycle, combinations_with_replacement, takewhile, dropwhile
from functools import partial, reduce, lru_cache, cmp_to_key, wraps
import functools
import copy

print(list(chain([1, 2], (3,), 'ab')), list(chain.from_iterable([[1], [2, 3], []])))
print(list(product('ab', [0, 1])), list(product([1, 2], repeat=2)), list(product()))
print(list(permutations([1, 2, 3])), list(permutations('abc', 2)), list(permutations([1], 0)))
print(list(combinations(range(4), 2)), list(combinations('abc', 0)), list(combinations([1, 2], 3)))
print(list(combinations_with_replacement('ab', 2)))
print(list(accumulate([1, 2, 3, 4])), list(accumulate([3, 1, 4], max)), list(accumulate([1, 2], initial=10)))
print(list(accumulate([1, 2, 3], lambda a, b: a * b)))
for k, g in groupby('aaabccaa'):
    print(k, list(g))
print([(k, len(list(g))) for k, g in groupby(sorted([3, 1, 2, 11, 12]), key=lambda x: x // 10)])
print(list(islice(count(), 5)), list(islice(count(10, 2), 3)), list(islice('abcdefg', 2, None)), list(islice(range(10), 1, 8, 3)))
print(list(islice(cycle('ab'), 5)), list(repeat('x', 3)), list(islice(repeat(7), 2)))
print(list(zip(count(1), 'abc')), list(zip_longest('ab', [1, 2, 3], fillvalue='-')), list(zip_longest([1], [])))
print(list(starmap(pow, [(2, 3), (3, 2)])), list(takewhile(lambda x: x < 3, [1, 2, 5, 1])), list(dropwhile(lambda x: x < 3, [1, 2, 5, 1])))
print(list(itertools.compress('abcd', [1, 0, 1, 0])), list(itertools.filterfalse(lambda x: x % 2, range(6))), list(itertools.pairwise([1, 2, 3])))
it = count(3)
print(next(it), next(it), next(it))
c = cycle([1, 2])
print([next(c) for _ in range(5)])
ch = chain([1], [2])
print(next(ch), next(ch), next(ch, 'done'))
try:
    next(iter([]))
except StopIteration:
    print('StopIteration')
a, b = itertools.tee([1, 2, 3])
print(list(a), list(b))
try:
    list(islice([1], -1))
except ValueError as e:
    print('ValueError', e)

def power(base, exponent):
    return base ** exponent
square = partial(power, exponent=2)
print(square(5), square(3, exponent=3), partial(power, 2)(10), square.args, square.keywords, square.func is power)
print(reduce(lambda a, b: a + b, [1, 2, 3, 4]), reduce(lambda a, b: a * b, [], 1), functools.reduce(max, [3, 9, 2]))
try:
    reduce(lambda a, b: a, [])
except TypeError as e:
    print('TypeError', e)

calls = []
def fib(n):
    calls.append(n)
    return n if n < 2 else fib(n - 1) + fib(n - 2)
fib = lru_cache(maxsize=None)(fib)
print(fib(30), len(calls), fib.cache_info())
fib.cache_clear()
print(fib.cache_info())
def slow(x):
    calls.append(x)
    return x * 2
small = lru_cache(maxsize=2)(slow)
calls.clear()
print([small(1), small(2), small(1), small(3), small(2)], calls, small.cache_info())
sq = functools.cache(lambda x: x * x)
print(sq(4), sq(4), sq.cache_info().hits)
def cmp(a, b):
    return (a > b) - (a < b)
print(sorted([3, 1, 2], key=cmp_to_key(cmp)), sorted(['bb', 'a', 'ccc'], key=cmp_to_key(lambda a, b: len(b) - len(a))))
def inner(x):
    return x + 1
print(wraps(inner)(inner)(1))

src = {'model': {'type': 'Net', 'layers': [1, 2, {'k': 3}]}, 'lr': 0.1, 't': (1, [2])}
deep = copy.deepcopy(src)
shallow = copy.copy(src)
deep['model']['layers'][2]['k'] = 99
shallow['lr'] = 0.5
print(src['model']['layers'], deep['model']['layers'], src['lr'], shallow['model'] is src['model'], deep['model'] is src['model'])
deep['t'][1].append(3)
print(src['t'], deep['t'])
shared = [1]
pair = [shared, shared]
pc = copy.deepcopy(pair)
pc[0].append(2)
print(pc, pc[0] is pc[1], pair)
loop = [1]
loop.append(loop)
lc = copy.deepcopy(loop)
print(lc[1] is lc, lc[1] is loop)
from collections import OrderedDict, defaultdict, deque, namedtuple, Counter
dd = defaultdict(list, a=[1])
dc = copy.deepcopy(dd)
dc['a'].append(2)
dc['b'].append(3)
print(dd, dc, copy.copy(OrderedDict(a=1)), copy.deepcopy(Counter('aab')))
dq = deque([[1], [2]], maxlen=4)
dqc = copy.deepcopy(dq)
dqc[0].append(5)
print(dq, dqc, copy.copy(dq))
P = namedtuple('P', 'a b')
pp = P([1], 2)
pd = copy.deepcopy(pp)
pd.a.append(3)
print(pp, pd, copy.copy(pp) == pp, copy.copy(5), copy.deepcopy('s'), copy.deepcopy({1, 2}))

# a for loop pulls an iterator one item at a time (an infinite one ends by break)
for i in itertools.count(10, 5):
    if i > 30:
        break
print("count stopped at", i)
print([x for x in itertools.islice(itertools.cycle("ab"), 5)])
