# Assignment expressions (:=) in conditions, comprehensions, calls and closures.

data = [1, 5, 2, 8, 3]
if (n := len(data)) > 3:
    print('long', n)

def first_big(xs, limit):
    for x in xs:
        if (y := x * 2) > limit:
            return y
    return None

print(first_big(data, 9))

def squares_over(xs, t):
    out = [s for x in xs if (s := x * x) > t]
    return out, s          # s leaks into the function, as in Python

print(squares_over(data, 4))

total = 0
items = iter([3, 4, 0, 7])
while (v := next(items)) != 0:
    total += v
print(total, v)

def counter():
    count = 0
    def bump():
        nonlocal count
        return (count := count + 1)
    return bump

b = counter()
print(b(), b(), b())

print(max(data, key=lambda x: (k := -x)), [(y := i, y ** 2) for i in range(3)], y)
print(f"{(z := 10) * 2} {z}")
