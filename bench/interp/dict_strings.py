# A dict with 10^5 string keys: build, then look every key up and count the misses.
def work():
    d = {}
    for i in range(100000):
        d['key' + str(i)] = i
    total = 0
    for i in range(0, 200000, 2):
        total += d.get('key' + str(i), -1)
    return total
