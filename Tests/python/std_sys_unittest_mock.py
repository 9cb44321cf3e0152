# sys and unittest.mock as test files use them: sys.modules, version_info, stdout; Mock and
# MagicMock (calls recorded, return_value, side_effect, children, magic methods, assertions),
# call, ANY, sentinel, and patch / patch.object / patch.dict as decorators and context managers.
import sys
import unittest
from unittest import mock
from unittest.mock import MagicMock, Mock, call, patch, ANY, sentinel, DEFAULT

print(sys.version_info >= (3, 8), sys.version_info[0], sys.version_info.major == 3)
print(sys.platform in ('linux', 'darwin'), isinstance(sys.argv, list), sys.maxsize > 2 ** 62)
n = sys.stdout.write('written by sys.stdout\n')
print(n)
print('json' in sys.modules or 'json' not in sys.modules, 'sys' in sys.modules)

# a module replaced in sys.modules is what import gives
fake = MagicMock(DeformConv2d=dict, answer=42)
sys.modules['fake_ops'] = fake
import fake_ops
from fake_ops import DeformConv2d, answer, anything
print(fake_ops is fake, DeformConv2d is dict, answer, anything is fake.anything)

# calls, return values, children
m = Mock()
print(m.called, m.call_count, m.call_args)
r = m(1, 2, key='v')
print(r is m.return_value, m.called, m.call_count)
print(m.call_args == call(1, 2, key='v'), m.call_args)
args, kwargs = m.call_args
print(args, kwargs, m.call_args.args, m.call_args.kwargs)
m.return_value = 7
print(m(), m.call_args_list == [call(1, 2, key='v'), call()])
m.assert_called_with()
m.assert_any_call(1, 2, key='v')
try:
    m.assert_called_with(5)
except AssertionError as e:
    print('AssertionError:', e)
try:
    m.assert_called_once()
except AssertionError as e:
    print('AssertionError:', e)

p = Mock()
p.method(1)
p.attr.nested(2, x=3)
p()
p().result(4)
print(p.method_calls)
print(p.mock_calls)
print(p.mock_calls == [call.method(1), call.attr.nested(2, x=3), call(), call(), call().result(4)])
p.assert_has_calls([call.attr.nested(2, x=3), call()])
p.assert_has_calls([call(), call.method(1)], any_order=True)
try:
    p.assert_has_calls([call(), call.method(1)])
except AssertionError as e:
    print('AssertionError:', str(e).split('\n')[0])
p.method.assert_called_once_with(1)
p.method.assert_called_once_with(ANY)
print(p.method is p.method, p.attr.nested.call_args == call(2, x=ANY))
try:
    p.assert_called_once_wiht(1)
except AttributeError as e:
    print('AttributeError:', e)
p.reset_mock()
print(p.call_count, p.method.call_count, p.mock_calls)

# side effects: a function, an exception, an iterable
s = Mock(side_effect=lambda x: x * 10)
print(s(4))
s.side_effect = RuntimeError('missing')
try:
    s(1)
except RuntimeError as e:
    print('RuntimeError raised:', e)
s.side_effect = [1, ValueError('second'), 3]
print(s())
try:
    s()
except ValueError as e:
    print('ValueError raised:', e)
print(s(), s.call_count)
d = Mock(side_effect=lambda: DEFAULT, return_value='from return_value')
print(d())

# configure, spec
c = Mock(**{'method.return_value': 3, 'other.side_effect': IndexError, 'name_attr': 'x'})
print(c.method(), c.name_attr)
try:
    c.other()
except IndexError:
    print('IndexError from configure_mock')


class Spec:
    def run(self):
        return 1


sp = Mock(spec=Spec)
print(isinstance(sp, Spec), sp.run() is sp.run.return_value)
try:
    sp.walk
except AttributeError as e:
    print('AttributeError:', e)

# magic methods
mm = MagicMock()
print(len(mm), list(mm), 3 in mm, bool(mm), int(mm), float(mm))
mm.__len__.return_value = 5
mm.__iter__.return_value = iter([1, 2])
mm.__getitem__.return_value = 'item'
print(len(mm), list(mm), mm['k'], mm.__getitem__.call_args)
with mm as entered:
    print(entered is mm.__enter__.return_value)
print(mm == mm, mm != mm, mm == MagicMock())
print(sentinel.one is sentinel.one, sentinel.one is not sentinel.two, sentinel.one)
attached = MagicMock()
parent = MagicMock()
parent.child = attached
attached(9)
print(parent.mock_calls)


# patch
class Service:
    value = 'original'

    def fetch(self):
        return 'real'


with patch.object(Service, 'fetch', return_value='mocked') as fetch:
    print(Service().fetch(), fetch.call_count)
print(Service().fetch())
with patch.object(Service, 'value', 'patched'):
    print(Service.value)
print(Service.value)

config = {'a': 1}
with patch.dict(config, {'b': 2}):
    print(sorted(config.items()))
print(config)
with patch.dict(config, clear=True, c=3):
    print(config)
print(config)

import math
with patch('math.floor') as floor:
    floor.return_value = 'floored'
    print(math.floor(2.5), floor.call_args)
print(math.floor(2.5))


@patch.object(Service, 'value', 'decorated')
@patch.object(Service, 'fetch')
def use(fetch):
    fetch.return_value = 'via decorator'
    return Service().fetch(), Service.value


print(use(), Service.value)


class TestDecorated(unittest.TestCase):
    @patch('math.sqrt')
    @patch('math.ceil')
    def check(self, ceil, sqrt):
        sqrt.return_value = 'sqrt'
        ceil.return_value = 'ceil'
        return math.sqrt(4), math.ceil(1.5)


print(TestDecorated().check(), math.sqrt(4))
patcher = patch('math.pi', 3)
patcher.start()
print(math.pi)
patcher.stop()
print(math.pi > 3)
try:
    with patch.object(Service, 'missing'):
        pass
except AttributeError as e:
    print('AttributeError: missing attribute')
with patch.object(Service, 'missing', 'made', create=True):
    print(Service.missing)
print(hasattr(Service, 'missing'))


# unittest skipping
@unittest.skipIf(True, 'not here')
def skipped():
    return 'ran'


try:
    skipped()
except unittest.SkipTest as e:
    print('SkipTest:', e)
print(unittest.skipIf(False, 'x')(len)([1, 2]))
try:
    raise unittest.SkipTest('direct')
except Exception as e:
    print('caught', e)
