# Ints as text (str, repr, f-strings, %-format) at every length and at the ends of the 64-bit
# range, and `+` of strings around the 15-byte boundary where short strings are kept inline.
edges = [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 99999, 100000, 10**8, 10**15 - 1, 10**15,
         2**53 + 1, 9223372036854775807]
for v in edges + [-e for e in edges] + [-9223372036854775807 - 1]:
    print(str(v), repr(v), f"{v}", "%d" % v, "%i" % v, len(str(v)))
print(sum(int(str(i)) == i for i in range(-20000, 20000, 3)))
print("%5d|%-5d|%05d|%+d|% d" % (42, 42, -42, 7, 7), "%d %d" % (True, 3.9), "%d" % -3.9)
print(len("%300d" % 1), len("%.300f" % 1.5), len(f"{1e300:.2f}"))
try:
    "%d" % float("nan")
except ValueError as e:
    print("ValueError", e)

words = ["", "a", "key", "0123456", "01234567", "é", "héllo", "ü" * 7, "x" * 15, "y" * 16]
seen = {}
for a in words:
    for b in words:
        s = a + b
        seen[s] = seen.get(s, 0) + 1
        print(repr(s), len(s), [ord(c) for c in s[-2:]], s == "".join([a, b]), s.upper() == a.upper() + b.upper())
print(len(seen), seen["key" + str(12)] if "key12" in seen else "no key12")
d = {}
for i in range(1000):
    d["key" + str(i)] = i
print(sum(d.get("key" + str(i), -1) for i in range(0, 2000, 2)), "key999" in d, "key1000" in d)
