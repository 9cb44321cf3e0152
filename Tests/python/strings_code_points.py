# Strings are sequences of code points, as in Python: a "\r\n" is two characters and an accent that
# combines with the letter before it is its own; repr escapes each control character.
crlf = "line one\r\nline two\r\n"
print(len(crlf), crlf.splitlines(), crlf.splitlines(True), crlf.split("\n"))
print(repr(crlf[8:10]), list("a\r\nb"), "\n" in crlf, crlf.find("\n"), crlf.count("\r"))
e = "e\u0301t\u00e9"
print(len(e), repr(e[1]), e.find("t"), e.rjust(6, "*"), [c for c in e], e[::-1] == "\u00e9t\u0301e")
print(repr("tab\there\x00\x1b\x7f\xa0"), repr("it's"), repr("\"q\" '"))
print("a\rb\x0bc\x0cd\x1ce\u2028f".splitlines(), "".splitlines(), "x\n".splitlines(), "\n\n".splitlines())
print("a,b,,c".split(","), "\u00e9\u00e9x\u00e9".split("x"), "abc".count(""), "".count(""))
print(sum([1, 2, 3]), sum([1, 2.5]), sum([[1], [2]], []), sum((x * x for x in range(4)), 10))
print(isinstance(True, int), isinstance({}, (list, dict)), isinstance(1.0, int), len({1: 2}), abs(-2.5))
d = {"lr": 0.01}
print(d.get("lr"), d.get("wd"), d.get("wd", 0), list(d.items()), list(d.keys()), list(d.values()))
# canonically equivalent strings are different strs (Python compares code points): equality, dict
# keys, sets, list.count, and literals in one program (its constants are not merged)
print("\u00e9" == "e\u0301", len("e\u0301"), {"\u00e9": 1}.get("e\u0301"))
print(len({"\u00e9", "e\u0301"}), "e\u0301" in {"\u00e9": 1}, ["\u00e9"].count("e\u0301"), "\u00e9" != "e\u0301")
print(sorted(["\u00e9", "e\u0301"]) == ["e\u0301", "\u00e9"], "e\u0301" < "\u00e9")
