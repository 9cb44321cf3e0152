from . import cycle_b
A = 'a'
def both():
    return A + cycle_b.B
