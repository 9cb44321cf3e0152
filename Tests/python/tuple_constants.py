# A tuple of literals is one constant, made when the code is compiled (CPython folds it too), and
# `is` on tuples compares the objects: the same constant each time, a built tuple a new one.
def leaf():
    return (1, None, None)

a = leaf()
b = leaf()
print(a, a == b, a is b, a is a)

x = [1]
def built():
    return (x[0], None)
print(built() == built(), built() is built())

t = ()
u = tuple()
print(t is u, len(t))

nested = ((1, 2), ('a', (3.5, True)), "s", None, False)
print(nested, nested[1][1], type(nested[1]).__name__)

def points():
    out = []
    for i in range(3):
        p = (0, 0)
        out.append(p)
    return out
ps = points()
print(ps[0] is ps[1], ps)

def grow():
    t = (1, 2)
    t += (3,)
    return t
print(grow(), grow(), leaf())

s = list(ps[0])
s.append(9)
print(ps, s)
d = {(1, 'a'): 'x'}
print(d[(1, 'a')], (1, 'a') in d, hash((1, None, None)) == hash(leaf()))
