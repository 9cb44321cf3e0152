# Sorting 10^5 pseudo-random ints with a key function.
def work():
    xs = [(i * 2654435761) % 1000003 for i in range(100000)]
    ys = sorted(xs, key=lambda x: (x % 1000, x))
    return ys[0] + ys[50000] * 3 + ys[-1] * 7
