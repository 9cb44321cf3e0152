# Generators (yield, yield from, return, finally, recursion through methods, errors), lazily
# pulled by for loops, next(), list() and enumerate, as CPython 3.11 runs them.
def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1

def pairs(xs):
    for i, x in enumerate(xs):
        if i % 2 == 0:
            yield (i, x)
    return

def chained(*its):
    for it in its:
        yield from it

print(list(count_up(4)), [p for p in pairs("abcde")], list(chained([1, 2], count_up(2))))
g = count_up(3)
print(next(g), next(g), next(g), next(g, 'done'))
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
for i, f in enumerate(fib()):
    if i == 10:
        print("fib 10 =", f)
        break
def with_finally():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")
print(sum(with_finally()))
class Tree:
    def __init__(self, v, kids=()):
        self.v, self.kids = v, kids
    def walk(self):
        yield self.v
        for k in self.kids:
            yield from k.walk()
print(list(Tree(1, [Tree(2, [Tree(3)]), Tree(4)]).walk()))
def bad():
    yield 1
    raise ValueError("inside")
try:
    for x in bad():
        print("got", x)
except ValueError as e:
    print("caught", e)
