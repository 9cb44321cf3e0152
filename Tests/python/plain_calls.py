# Plain numeric functions calling each other (the VM's inner loop for them, VM.runPlain), and each
# way out of it: another kind of operand, a call of a built-in or of a function that is not plain,
# an exception, deep recursion, a return into code that is not plain.
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def half(x):
    return x * 0.5 - 1


def mixed(n):
    if n <= 0:
        return 0.25
    return mixed(n - 1) + n


def ack(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ack(m - 1, 1)
    return ack(m - 1, ack(m, n - 1))


def flag(n):
    if not (n > 3):
        return None
    return n != 7


def uses_builtin(n):
    return abs(n - 10) + fib(n)


def strs(n):
    if n == 0:
        return 'a'
    return strs(n - 1) + 'b'


def depth(n):
    if n == 0:
        return 0
    return depth(n - 1) + 1


def fails(n):
    if n == 0:
        return 1 // n
    return fails(n - 1) + 1


def is_none(x):
    if x is None:
        return 1
    return 2


print(fib(20), half(3), half(3.5), mixed(5), ack(2, 3), flag(2), flag(5), flag(7))
print(uses_builtin(4), strs(3), depth(500), is_none(None), is_none(0))
print([fib(i) for i in range(10)], sum(map(half, [1, 2, 3])), sorted([3, 1, 2], key=half))
try:
    fails(30)
except ZeroDivisionError as e:
    print('ZeroDivisionError')
try:
    depth(100000)
except RecursionError:
    print('RecursionError')
print(depth(100), fib(15))


# Tuples built and indexed in plain functions (a recursive tree), identity tests, and the ways
# out: an index past the end, a negative index, a string subscript, a dict item.
def tree(d, label):
    if d < 1:
        return (label, None, None)
    return (label, tree(d - 1, label * 2), tree(d - 2, label * 2 + 1))


def weigh(t):
    left = 0 if t[1] is None else weigh(t[1])
    right = 0 if t[2] is None else weigh(t[2])
    return t[0] + left - right


def spine(t):
    if t is None:
        return 0
    return t[0] - spine(t[2]) * 2


def pick(t, i):
    if t is not None:
        return t[i]
    return -1


print(weigh(tree(12, 1)), spine(tree(12, 1)), tree(1, 5), pick((4, 5, 6), 2), pick(None, 0), pick((4, 5, 6), -1), pick([7, 8], 1))
print(pick('abc', 1), pick({2: 'two'}, 2), pick((1, 2), 0) is pick([1], 0), pick(((1,), 2), 0))
for bad in [((1, 2), 5), ([], 0), ({}, 3)]:
    try:
        pick(*bad)
    except (IndexError, KeyError) as e:
        print(type(e).__name__)
