# re as CPython 3.11: the calls MMEngine/MMDetection/torch code makes (parameter-name matching,
# checkpoint key rewriting, findall/split of config strings) and the edge cases (empty matches,
# optional groups, non-ASCII spans, flags, templates, errors).
import re

# parameter names: layer ids for layer-wise lr decay, frozen stages
names = ['backbone.layers.0.blocks.1.attn.qkv.weight', 'backbone.layers.11.downsample.norm.bias',
         'backbone.patch_embed.proj.weight', 'decode_head.conv_seg.weight', 'neck.fpn_convs.2.conv.weight']
for name in names:
    m = re.match(r'backbone\.layers\.(\d+)\.', name)
    print(name, '->', m.group(1) if m else None, bool(m), m)
stage = re.compile(r'^backbone\.layers\.(?P<layer>\d+)\.blocks\.(?P<block>\d+)\.')
m = stage.match(names[0])
print(m.groupdict(), m['layer'], m.group('block', 1), m.span('layer'), m.start(2), m.end(), m.lastindex, m.lastgroup)
print(m.re is stage, m.string == names[0], m.pos, m.endpos, m.regs)
print(stage.pattern, stage.groups, stage.groupindex, stage.flags, stage)
print([n for n in names if re.search(r'(norm|bias)', n)], re.fullmatch(r'neck\..*', names[4]) is not None)

# checkpoint key prefixes
state = ['module.backbone.conv1.weight', 'module.backbone.bn1.running_mean', 'head.fc.bias']
print([re.sub(r'^module\.', '', k) for k in state])
print([re.sub(r'^(module\.)?backbone\.', r'encoder.', k) for k in state])
print(re.sub(r'(\w+)\.(\w+)$', r'\2_\1', 'a.b.c'), re.sub(r'(?P<x>\d+)', r'<\g<x>|\g<0>|\g<1>>', 'v1 v22'))
print(re.subn(r'\.', '/', 'a.b.c'), re.sub('a', 'x', 'aaaa', count=2), re.sub(r'\d', lambda m: str(int(m.group()) * 2), 'r5c7'))
print(re.sub('(a)|b', r'[\1]', 'ab'), re.sub(r'x', r'\n\t\\.', 'x'), repr(re.sub('-', r'\.', 'a-b')))

# findall and finditer
print(re.findall(r'\d+', 'lr=0.01, step 30 and 40'), re.findall(r'(\w+)=(\d+)', 'a=1 b=22 c=x'), re.findall(r'(\d)x?', '1x2'))
print(re.findall(r'([a-z])(\d)?', 'a1bc2'), [m.span() for m in re.finditer(r'\w+', 'one two  three')])
print(re.findall('', 'abc'), re.findall('x*', 'abxd'), [m.group() for m in re.finditer('x*?', 'xx')])

# split
print(re.split(r'[,;]\s*', 'a, b;c,   d'), re.split(r'(,)', 'a,b,c'), re.split(r'(-)|(\+)', '1-2+3'))
print(re.split(r'\s+', ' lead and trail ', maxsplit=2), re.split('x*', 'abxd'), re.split(r'\b', 'hi there'))
print(re.split('z', 'abc'), re.split(r'(?=b)', 'abab'))

# empty matches in sub (Python 3.7+), anchors and flags
print(re.sub('x*', '-', 'abxd'), re.sub('', '.', 'ab'), re.sub('$', '!', 'line\n'), re.sub('(?m)^', '> ', 'a\nb'))
print(re.findall(r'^\w', 'a\nb\nc', re.M), re.findall(r'\w$', 'a\nb\nc'), re.search('a.c', 'a\nc'), re.search('a.c', 'a\nc', re.S))
print(re.match('HELLO', 'hello', re.I), re.match('(?i)héllo', 'HÉLLO'), re.findall('[a-z]+', 'ABC def', flags=re.IGNORECASE))
verbose = re.compile(r'''
    (?P<key>[a-z_]+)   # the key
    \s*=\s*            # equals
    (?P<val>\S+)       # the value
''', re.VERBOSE)
print(verbose.findall('lr = 0.1  momentum=0.9'), re.compile('a', re.I | re.M), re.compile('(?s)a').flags, re.I | re.S == 18)
print(re.match(r'\w+', 'naïve café').group(), re.match(r'\w+', 'naïve', re.A).group(), re.findall(r'\d', '٣4'), re.findall(r'\d', '٣4', re.ASCII))
print(re.search(r'\bis\b', 'this is it').span(), re.search(r'\Bis', 'this is').span(), re.search(r'\Aab\Z', 'ab\n'), re.search(r'ab$', 'ab\n'))

# non-ASCII strings: spans are code points
m = re.search('é+', 'café éé')
print(m.span(), m.start(), m, re.sub('é', 'e', 'été'), [m.span() for m in re.finditer('[^a-z ]', 'añb 😀c')])

# optional groups, defaults, backreferences, lookarounds, lazy and possessive repeats
m = re.match(r'(\d+)(?:\.(\d+))?(rc\d)?', '3.10')
print(m.groups(), m.groups('-'), m.group(3), m.span(3), m.lastindex, m.expand(r'v\1_\2'))
print(re.search(r'(\w)\1', 'hello').group(), re.search(r'(?P<q>[\'"]).*?(?P=q)', 'say "hi" now').group())
print(re.findall(r'\d+(?=px)', '10px 20em 30px'), re.findall(r'(?<=\$)\d+', '$5 and $12'), re.findall(r'(?<!-)\b\d', '1 -2 3'))
print(re.match(r'a.*?b', 'aXbYb').group(), re.match(r'a.*b', 'aXbYb').group(), re.match(r'a{2,3}', 'aaaa').group(), re.match(r'a{,2}', 'aaa').group())
print(re.match(r'(a|ab)(c|bcd)(d*)', 'abcd').groups(), re.match(r'(a*)*b', 'aab').groups(), re.match(r'(a|)*', 'aa').groups())
print(re.match(r'a++b', 'aab'), re.match(r'a*+a', 'aaa'), re.match(r'(?>a|ab)c', 'abc'), re.match(r'(a)?(?(1)b|c)', 'c').group())
print(re.match('x{2}y{1,}', 'xxyyy').group(), re.match('a{', 'a{').group(), re.match(r'[\]a-]+', 'a]-b').group(), re.match(r'[^\d\s]+', 'ab 1').group())
print(re.match(r'[\w.-]+@[\w.-]+', 'me.x@host-1.org!').group(), re.match(r'\x41\u00e9\101\0', 'Aé' + 'A\0').group() == 'AéA\0')

# pos/endpos, compiled patterns, escape, match truthiness
p = re.compile(r'\d+')
print(p.match('ab12cd', 2), p.match('ab12cd', 1), p.search('ab12cd34', 4), p.search('12345', 1, 3), p.fullmatch('a12', 1))
print(p.findall('1 22 333', 2), p.findall('1 22 333', 0, 4), re.compile('^a').search('ba', 1), re.compile('a$').search('ab', 0, 1))
print(re.escape('backbone.layers[0]*'), re.escape('a b-c_d'), re.match(re.escape('1+1=2?'), '1+1=2?') is not None)
print(re.compile('a') is re.compile('a'), re.match(p, '42').group(), bool(re.match('x', 'y')), bool(re.match('', 'y')))

# errors
for bad in ['(', ')', '*', 'a**', '[a', r'\q', '(?<x>a)', '(?P=x)', r'(a)\2', '[z-a]', '(?P<a>x)(?P<a>y)', '(?<=a*)b', 'a(?i)b', 'a{2,1}']:
    try:
        re.compile(bad)
    except re.error as e:
        print(repr(bad), '->', e, '|', e.msg, e.pos)
for repl in [r'\q', r'\2', r'\g<1', r'\g<z>']:
    try:
        re.sub('(a)', repl, 'a')
    except re.error as e:
        print(repr(repl), '->', e)
    except IndexError as e:
        print(repr(repl), '-> IndexError', e)
for call in [lambda: re.match(r'(a)', 'a').group(2), lambda: re.match(r'(a)', 'a').group('x'), lambda: re.compile(p, re.I)]:
    try:
        call()
    except (IndexError, ValueError) as e:
        print(type(e).__name__, e)
try:
    re.compile('(')
except Exception as e:
    print('caught as Exception:', e)
