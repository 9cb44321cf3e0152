# resource.getrusage as CPython 3.11 on Linux (only what does not depend on the machine is printed).
import resource

r = resource.getrusage(resource.RUSAGE_SELF)
print(resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN, resource.RUSAGE_THREAD)
print(len(r), r[0] == r.ru_utime, r[15] == r.ru_nivcsw)
print(type(r.ru_utime).__name__, type(r.ru_maxrss).__name__, r.ru_maxrss > 0, r.ru_utime >= 0, r.ru_stime >= 0)
print(r[2] == r.ru_maxrss, resource.getrusage(resource.RUSAGE_THREAD).ru_maxrss > 0)
big = [0] * 2000000
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >= r.ru_maxrss)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss >= 0)
try:
    resource.getrusage(7)
except ValueError as e:
    print('ValueError', e)
