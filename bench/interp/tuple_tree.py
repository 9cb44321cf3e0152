# A recursive tuple tree: build a complete binary tree of depth 16, then walk it.
def build(depth):
    if depth == 0:
        return (1, None, None)
    return (depth, build(depth - 1), build(depth - 1))

def total(t):
    if t is None:
        return 0
    return t[0] + total(t[1]) + total(t[2])

def work():
    return total(build(16))
