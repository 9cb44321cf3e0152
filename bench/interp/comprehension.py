# A list comprehension with a condition, then sum.
def work():
    return sum([x * x for x in range(1000000) if x % 3])
