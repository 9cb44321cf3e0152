# sorted / list.sort with keys of one kind (ints, floats, tuples of ints: specialised comparisons) and
# mixed keys (the general comparison): the order, stability and reverse must be CPython's.
import random
random.seed(5)
xs = [random.randint(-50, 50) for _ in range(300)]
print(sorted(xs)[:10], sorted(xs, reverse=True)[:10])
print(sorted(xs, key=lambda x: (x % 7, -x))[:20])
print(sorted(xs, key=lambda x: (x % 7,), reverse=True)[:20])
pairs = [(x % 5, i) for i, x in enumerate(xs)]
print(sorted(pairs, key=lambda p: p[0])[:15])
print(sorted(pairs, key=lambda p: p[0], reverse=True)[:15])
print(sorted([(1, 2), (1,), (1, 2, 3), (0, 9), ()]))
print(sorted([(1, 2), (1,), (1, 2, 3), (0, 9), ()], reverse=True))
fl = [x / 3 for x in xs]
print(sorted(fl)[:5], sorted(fl, key=lambda v: -v)[:5])
print(sorted([3, 1.5, True, 2]))
print(sorted([(1, True), (1, 0), (0, 2.5)]))
print(sorted([(2, 'b'), (2, 'a'), (1, 'z')]))
print(sorted(["b", "a", "c"], key=len))
l = [5, 3, 9]; l.sort(key=lambda v: (-v, v)); print(l)
print(sorted(xs, key=lambda x: x % 3)[:20])
print(sorted([]), sorted([(1, 2)]), sorted([float('inf'), -1.0, 0.0]))
try:
    sorted([(1, None), (1, 2)])
except TypeError:
    print("TypeError: tuple of int and None")
big = [(i * 2654435761) % 1000003 for i in range(2000)]
ys = sorted(big, key=lambda x: (x % 1000, x))
print(ys[0], ys[1000], ys[-1], sorted(big, key=lambda x: -x)[:3])
