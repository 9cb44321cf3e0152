# type.__new__ calls __set_name__ on each attribute that defines it, in definition order.
class D:
    def __set_name__(self, owner, name):
        owner.seen = name
        self.name = name
class C:
    a = 1
    d = D()
    e = D()
print(C.seen, C.d.name, C.e.name)
