# Blocks nested at any depth, elif/else/except/finally after dedents, blank lines inside bodies.
def fib(n):
    if n < 2:
        return n

    return fib(n - 1) + fib(n - 2)

total = 0
for i in range(3):
    j = 0
    while j < 3:
        try:
            if (i + j) % 2:
                raise ValueError('odd')

            elif i == j:
                total += 10
            else:
                total += 1
        except ValueError:
            total += 100
        finally:
            j += 1
    else:
        total += 1000
print(fib(15), total)
