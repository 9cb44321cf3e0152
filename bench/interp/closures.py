# Closures and lambdas: adders made in a loop, applied through a lambda.
def make_adder(k):
    def add(x):
        return x + k
    return add

def work():
    adders = [make_adder(k) for k in range(10)]
    twice = lambda f, x: f(f(x))
    acc = 0
    for i in range(100000):
        acc = twice(adders[i % 10], acc) % 1000003
    return acc
