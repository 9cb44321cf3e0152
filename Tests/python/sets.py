# Sets: the same program under CPython and trick must print the same lines (tests/python_parity.sh).
a = {1, 2, 3}
b = {3, 4}
print(a | b, a & b, a - b, a ^ b)
print({1, 2} == {2, 1}, {1} <= a, {1} < {1}, a > {1}, a >= {5}, 2 in a, 5 not in a, len(a))
s = set()
s.add(1); s.add(1.0); s.add(True); s.update([2, 3])
print(s, set(), sorted({3, 1, 2}), {x % 3 for x in range(10)}, isinstance(s, set))
print(s.union([9]), s.intersection({2, 3, 4}), s.difference([1]), s.symmetric_difference([3, 4]))
print(s.issubset({1, 2, 3, 4}), s.issuperset([1]), s.isdisjoint([7]), bool(set()), {(1, 2), (1, 2)})
t = {1, 2, 3}
t.discard(2); t.discard(7); t.intersection_update({1, 3, 5}); t.difference_update([1])
print(t, t.pop(), t)
try:
    {[1]}
except TypeError as e:
    print('TypeError', e)
try:
    set().remove(3)
except KeyError as e:
    print('KeyError', e)
u = {1}
v = u
u |= {2}
print(u, v, sorted(set('hello')), sum({1, 2, 3}), max({4, 9, 2}), {1, 2} == [1, 2])
