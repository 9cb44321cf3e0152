# String building: 10^5 f-strings joined into one string.
def work():
    parts = []
    for i in range(100000):
        parts.append(f'{i}:{i % 7}')
    s = ','.join(parts)
    return len(s)
