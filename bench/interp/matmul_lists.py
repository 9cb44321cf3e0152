# Nested loops with list indexing: a 70x70 matrix product on lists of lists.
def work():
    n = 70
    a = [[(i * 7 + j * 3) % 11 - 5 for j in range(n)] for i in range(n)]
    b = [[(i * 5 + j * 2) % 13 - 6 for j in range(n)] for i in range(n)]
    c = [[0] * n for i in range(n)]
    for i in range(n):
        ai = a[i]
        ci = c[i]
        for j in range(n):
            s = 0
            for k in range(n):
                s += ai[k] * b[k][j]
            ci[j] = s
    return sum([sum(row) for row in c])
