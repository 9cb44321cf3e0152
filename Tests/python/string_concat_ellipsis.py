# Adjacent string literals are one string, f-strings among them; Ellipsis is one object.
x = 3
print('a' 'b', f'a{x}' 'b', 'a' f'{x}b', f'{x}' f'{x}')
y = (f'one {x}, '
     f'two')
print(y)
print(..., [1, ...], ... is Ellipsis, type(...).__name__)
