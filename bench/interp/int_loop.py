# A 10^6-iteration integer loop.
def work():
    acc = 0
    i = 0
    while i < 1000000:
        acc = (acc + i * i) % 1000003
        i += 1
    return acc
