# f-strings: fields formatted as they are evaluated (a later field may change a list), conversions
# then specs, __format__, ints/floats/None/bools joined; len counts code points; str.join; % and //.
x = [1]
print(f'{x}{x.append(2)}{x}', f'', f'a', f'{3}', f'{-7}{"s"}{1.5}{True}{None}', f'{-9223372036854775807 - 1}')
print(f'{3.14159:.2f}|{42:>6}|{"ab"!r}|{"é"}|{len("aé😀")}', f'{x!s:>12}')
class C:
    def __str__(self): return "C!"
    def __format__(self, spec): return "F" + spec
print(f'{C()}', f'{C():xy}', f'{C()!s}', f'{C()!r}'[:10])
print(len("a\u0301"), len(""), len("日本語"), "-".join(["a", "", "é", "😀"]), "".join([]), ",".join(["x"]))
print(7 % 3, -7 % 3, 7 // 2, -7 // 2, -8 // 2, 7 % -3, 7 // -2)
s = "s"
s = f"{s}!{s}"
print(s)
print(format(C(), "ab"), format(3.5, ".1f"), "{:>4}".format("z"))
class Bad:
    def __format__(self, spec): return 5
try:
    f'{Bad()}'
except TypeError as e:
    print("TypeError:", e)
n = 0
def bump():
    global n
    n += 1
    return n
print(f'{n}-{bump()}-{n}')
print(f'{"a" * 20}{1}{"b" * 20}', len(f'{"é" * 30}'))
