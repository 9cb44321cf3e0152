# A method taken from an object twice: two bound methods, equal (and hashing alike) when they
# are the same method of the same object, never identical.
class A:
    def f(self):
        return 1

    def g(self):
        return 2

    @classmethod
    def c(cls):
        return 3


a, b = A(), A()
print(a.f == a.f, a.f is a.f, a.f == a.g, a.f == b.f, a.f != a.f, a.f != b.f)
print(A.c == A.c, A.c is A.c)
print(len({a.f, a.f, a.g}), {a.f: 1}[a.f], a.f in [a.g, a.f], [a.f].index(a.f))
l, m = [1], [1]
print(l.append == l.append, l.append == m.append, l.append is l.append, l.append == l.extend)
d = {}
print(d.get == d.get, d.get == d.items, d.get == {}.get)
s = set()
print(s.add == s.add, s.add == set().add)
