# json, typing, os.path, warnings and time as CPython 3.11 (what they print does not depend on the machine).
import json
from typing import Any, Dict, List, Optional, Tuple, Union, Callable, Sequence, TypeVar, cast
import typing
import os
import os.path as osp
from os.path import join, basename, dirname, splitext
import warnings
import time
from collections import OrderedDict, Counter, namedtuple

cfg = {'model': {'type': 'Net', 'depth': 50, 'pretrained': None}, 'lr': 0.01, 'flags': [True, False], 'name': 'caf\u00e9'}
print(json.dumps(cfg))
print(json.dumps(cfg, indent=2))
print(json.dumps(cfg, indent=4, sort_keys=True, ensure_ascii=False))
print(json.dumps([1, [2, []], {}], indent='\t'), json.dumps({'b': 1, 'a': (1, 2)}, sort_keys=True, separators=(',', ':')))
print(json.dumps({1: 'int key', 2.5: 'x', None: 0, True: 1}), json.dumps(float('inf')), json.dumps('quote " and \\ and \n'))
print(json.dumps(OrderedDict(b=1, a=2)), json.dumps(Counter('aab')), json.dumps(namedtuple('P', 'x y')(1, 2)), json.dumps([], indent=2), json.dumps({}, indent=0))
print(json.dumps({'a': [1, 2]}, indent=0))
print(json.dumps({'s': {1, 2}} if False else {'s': 1}, default=str), json.dumps({'x': {1, 2}}, default=sorted))
back = json.loads(json.dumps(cfg))
print(back == cfg, json.loads('{"a": [1, 2.5, null, true], "b": "\\u00e9"}'), json.loads('3'), json.loads('"s"'))
for bad in [lambda: json.dumps({'s': {1}}), lambda: json.dumps(float('nan'), allow_nan=False), lambda: json.loads('{"a": }')]:
    try:
        bad()
    except TypeError as e:
        print('TypeError', e)
    except ValueError:
        print('ValueError')
circ = []
circ.append(circ)
try:
    json.dumps(circ)
except ValueError as e:
    print('ValueError', e)

def f(x: int, y: Optional[List[int]] = None, *, z: Dict[str, Any] = {}) -> Tuple[int, str]:
    return x, str(y)
T = TypeVar('T')
Alias = Union[int, str]
Fn = Callable[[int], int]
print(f(1), cast(int, 'not checked'), typing.TYPE_CHECKING, Optional[int] is not None, Sequence[int] is not None)
count: int = 3
names: List[str] = ['a']
print(count, names)

print(join('a', 'b', 'c.txt'), join('/a/', 'b'), join('a', '/abs', 'c'), join('a', ''), osp.join('', 'x'))
print(basename('/x/y/z.tar.gz'), basename('/x/y/'), dirname('/x/y/z.py'), dirname('z.py'), dirname('/z'), dirname('//'))
print(splitext('a/b.c.d'), splitext('.bashrc'), splitext('a/.b.c'), splitext('noext'), splitext('a.b/c'), splitext('x..'))
print(osp.split('/a/b/c'), osp.split('c'), osp.split('/'), osp.normpath('a//b/./c/../d/'), osp.normpath('/../x'), osp.normpath(''), osp.normpath('//a'))
print(osp.isabs('/x'), osp.isabs('x'), osp.exists('Tests/python'), osp.isdir('Tests/python'), osp.isfile('Tests/python'), osp.exists('no/such/file'), os.sep)
print(osp.abspath('/a/b/../c'), osp.basename(osp.abspath('.')) != '', osp.join(*['x', 'y']))

warnings.simplefilter('ignore')
warnings.warn('not shown')
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    warnings.warn('first')
    warnings.warn('second', DeprecationWarning)
    warnings.warn('first')
    print(len(caught), [str(w.message) for w in caught], caught[1].category is DeprecationWarning, caught[0].category is UserWarning)
warnings.warn('still not shown')
with warnings.catch_warnings():
    warnings.simplefilter('error')
    try:
        warnings.warn('boom', RuntimeWarning)
    except RuntimeWarning as e:
        print('RuntimeWarning', e)
    warnings.filterwarnings('ignore', message='skip')
    warnings.warn('skip me')
    try:
        warnings.warn('raise me')
    except UserWarning as e:
        print('UserWarning', e)
warnings.warn('after the block: ignored again')

t0 = time.time()
p0 = time.perf_counter()
time.sleep(0.01)
print(time.time() - t0 >= 0.005, time.perf_counter() - p0 >= 0.005, time.monotonic() > 0, isinstance(time.time_ns(), int))
try:
    time.sleep(-1)
except ValueError as e:
    print('ValueError', e)
