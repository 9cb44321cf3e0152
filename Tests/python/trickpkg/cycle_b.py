from . import cycle_a
B = 'b'
def partner():
    return cycle_a.A
