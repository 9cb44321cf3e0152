# The with statement with contextlib's managers: suppress, nullcontext, nesting, flow through.
from contextlib import suppress, nullcontext
import contextlib

log = []
with suppress(KeyError):
    log.append('in')
    {}['missing']
    log.append('not reached')
log.append('after')
print(log)

with suppress(LookupError, ZeroDivisionError):
    [][3]
with suppress(ArithmeticError):
    1 // 0
try:
    with suppress(KeyError):
        int('x')
except ValueError as e:
    print('ValueError passes through:', e)

with nullcontext(41) as v, contextlib.nullcontext() as w:
    print(v + 1, w)

def first_even(xs):
    for x in xs:
        with nullcontext():
            if x % 2 == 0:
                return x
    return None

total = 0
for i in range(10):
    with nullcontext():
        if i == 7:
            break
        if i % 2:
            continue
        total += i
print(first_even([3, 5, 8, 9]), total)

with nullcontext((1, 2)) as (a, b):
    print(a, b)
