# A missing dict key's KeyError is Python's (args are the key, str is its repr), from [], pop and del.
try:
    {}['missing']
except KeyError as e:
    print(e, repr(e), e.args)
e = KeyError('x')
print(str(e), repr(e))
print(str(KeyError()), str(KeyError(1, 2)))
d = {'lr': 1}
for f in (lambda: d.pop('x'), lambda: d['y']):
    try:
        f()
    except KeyError as e:
        print(e.args, str(e), e.args[0] in d)
try:
    del d['z']
except KeyError as e:
    print(repr(e))
