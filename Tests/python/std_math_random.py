# math and random as CPython 3.11: random's stream is CPython's Mersenne Twister draw for draw.
import math
import random

print(math.pi, math.e, math.tau, math.inf, -math.inf, math.isnan(math.nan))
print(math.sqrt(2), math.exp(1), math.log(10), math.log(8, 2), math.log(100, 10), math.log2(1024), math.log10(0.001))
print(math.floor(-2.5), math.ceil(-2.5), math.trunc(-2.7), math.floor(3), math.floor(2.0) == 2)
print(math.isclose(0.1 + 0.2, 0.3), math.isclose(1, 1.1, rel_tol=0.2), math.isclose(math.inf, math.inf), math.isclose(0, 1e-10, abs_tol=1e-9))
print(math.isinf(-math.inf), math.isfinite(1e308), math.isfinite(math.nan), math.fabs(-3), math.pow(2, 10), math.pow(2, 0.5))
print(math.cos(0), math.sin(math.pi / 2), math.tan(0.5), math.atan2(1, -1), math.atan(1), math.asin(1), math.acos(0))
print(math.hypot(3, 4), math.hypot(1, 1), math.hypot(1e200, 1e200), math.hypot(), math.hypot(-5), math.dist([0, 0], [1, 1]))
print(math.prod([1, 2, 3, 4]), math.prod([0.5, 4]), math.prod([]), math.prod(range(1, 6), start=2))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100, 1e-100]), math.fsum([]))
print(math.gcd(12, 18), math.gcd(0, 0), math.gcd(12, 18, 8), math.lcm(4, 6), math.comb(10, 3), math.comb(5, 7), math.perm(5, 2))
print(math.factorial(0), math.factorial(10), math.factorial(20), math.isqrt(99), math.isqrt(100))
print(math.degrees(math.pi), math.radians(180), math.degrees(1), math.radians(45))
print(math.copysign(3, -0.0), math.fmod(7, -3), math.modf(2.5), math.frexp(8.0), math.ldexp(0.5, 4), math.remainder(7, 4))
print(math.sinh(1), math.cosh(1), math.tanh(0.5), math.erf(0.5), math.erfc(0.5), math.gamma(5), math.lgamma(10), math.expm1(1e-10), math.log1p(1e-10))
for bad in [lambda: math.sqrt(-1), lambda: math.log(0), lambda: math.log(-1, 2), lambda: math.acos(2), lambda: math.exp(1000),
            lambda: math.floor(math.inf), lambda: math.floor(math.nan), lambda: math.factorial(-1), lambda: math.factorial(2.0),
            lambda: math.comb(-1, 2), lambda: math.pow(0, -1), lambda: math.sqrt('x'), lambda: math.fsum([math.inf, -math.inf]),
            lambda: math.isclose(1, 2, rel_tol=-1), lambda: math.gamma(0), lambda: math.gamma(-2), lambda: math.gamma(200)]:
    try:
        bad()
    except ValueError as e:
        print('ValueError', e)
    except OverflowError as e:
        print('OverflowError', e)
    except TypeError as e:
        print('TypeError', e)
print(math.gamma(0.5), math.gamma(-1.5), math.gamma(30.5), math.gamma(171.5), math.lgamma(0.5), math.lgamma(-2.5), math.lgamma(1e-30), math.lgamma(300.7))

random.seed(0)
print(random.random(), random.random())
random.seed(42)
print([random.randint(1, 100) for _ in range(8)], random.uniform(-1, 1), random.randrange(10), random.randrange(0, 100, 7))
print(random.choice(['a', 'b', 'c', 'd']), random.choice('xyz'), random.choice(range(1000)))
xs = list(range(10))
random.shuffle(xs)
print(xs)
print(random.sample(range(100), 5), random.sample(['a', 'b', 'c'], 3), random.sample(range(10000), 3))
print(random.gauss(0, 1), random.gauss(0, 1), random.gauss(5, 2), random.normalvariate(0, 1))
print(random.choices('abc', k=5), random.choices([1, 2, 3], weights=[1, 0, 5], k=4), random.choices('ab', cum_weights=[1, 10], k=3))
print(random.getrandbits(8), random.getrandbits(40), random.triangular(0, 10, 2), random.expovariate(2.0))
random.seed(2**40 + 7)
print(random.random(), random.randint(-5, 5))
random.seed(-3)
print(random.random())
random.seed(1.5)
print(random.random())
state = random.getstate()
a = [random.random() for _ in range(3)]
random.setstate(state)
print(a == [random.random() for _ in range(3)])
r = random.Random(123)
print(r.random(), r.randint(0, 9), random.Random(123).random() == random.Random(123).random())
big = list(range(50))
random.seed(7)
random.shuffle(big)
print(big[:10], random.sample(big, 10))
for bad in [lambda: random.choice([]), lambda: random.randrange(0), lambda: random.randint(5, 1), lambda: random.sample([1, 2], 3),
            lambda: random.sample({1, 2}, 1)]:
    try:
        bad()
    except ValueError as e:
        print('ValueError', e)
    except IndexError as e:
        print('IndexError', e)
    except TypeError as e:
        print('TypeError', e)
