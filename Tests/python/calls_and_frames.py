# Calls and frames (the VM's activation stack): deep recursion, RecursionError and recovery after it,
# an error unwinding hundreds of calls, generators and closures inside recursion, a method that
# replaces itself while it runs, keyword/default binding, UnboundLocalError, recursive tuples,
# str-keyed dicts, yield from, lru_cache; CPython is the witness.
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
print(depth(900))
def boom(n):
    if n == 0:
        raise ValueError("bottom")
    return boom(n - 1)
try:
    boom(500)
except ValueError as e:
    print("caught", e)
def inf(n):
    return inf(n + 1)
try:
    inf(0)
except RecursionError:
    print("recursion error")
print(depth(100))
def gen(n):
    for i in range(n):
        yield depth(i)
print(sum(gen(50)))
def counter():
    c = 0
    def inc():
        nonlocal c
        c += 1
        return c
    return inc
f = counter()
print([f() for _ in range(5)])
def rec_closure(n):
    def inner():
        return n
    return inner() + (rec_closure(n - 1) if n else 0)
print(rec_closure(30))
class A:
    def m(self, x):
        A.m = lambda self, x: -x
        return x * 2
a = A()
print(a.m(3), a.m(3))
def fact(n, acc=1):
    while n > 1:
        acc *= n
        n -= 1
    return acc
print(fact(20))
def kw(a, b=2, *args, c=3, **kw):
    return (a, b, args, c, sorted(kw.items()))
print(kw(1), kw(1, 5, 6, 7, c=9, z=1))
def unbound():
    if False:
        x = 1
    return x
try:
    unbound()
except UnboundLocalError as e:
    print("UnboundLocalError", e)
t = (1, (2, None, None), None)
def tot(t):
    return 0 if t is None else t[0] + tot(t[1]) + tot(t[2])
print(tot(t))
d = {}
for i in range(1000):
    d['k' + str(i)] = i
print(len(d), d['k999'], d.get('k1000', -1))
def gen_rec(n):
    if n:
        yield n
        yield from gen_rec(n - 1)
print(list(gen_rec(10)))
import functools
@functools.lru_cache(None)
def fib(n):
    return n if n < 2 else fib(n-1) + fib(n-2)
print(fib(80))
print(sorted([3,1,2], key=lambda v: -v))
def exc_in_loop():
    out = []
    for i in range(5):
        try:
            if i % 2: raise KeyError(i)
            out.append(i)
        except KeyError as e:
            out.append(('k', e.args[0]))
    return out
print(exc_in_loop())
