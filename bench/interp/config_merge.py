# A recursive MMEngine-style config merge (dicts merged key by key, `_delete_=True` replaces).
def merge(base, new):
    out = dict(base)
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and not v.get('_delete_', False):
            out[k] = merge(out[k], v)
        else:
            out[k] = {kk: vv for kk, vv in v.items() if kk != '_delete_'} if isinstance(v, dict) else v
    return out

def config(depth, seed):
    if depth == 0:
        return seed
    return {'type': 'L' + str(depth), 'lr': 0.01 * depth, 'a': config(depth - 1, seed), 'b': config(depth - 1, seed + 1),
            'cfg': {'norm': 'BN', 'eps': 1e-5, 'seed': seed}}

def count(c):
    if not isinstance(c, dict):
        return 1
    return sum([count(v) for v in c.values()])

def work():
    base = config(5, 0)
    new = config(4, 7)
    new['cfg'] = {'_delete_': True, 'norm': 'GN'}
    n = 0
    for i in range(200):
        n += count(merge(base, {'a': new, 'lr': i}))
    return n
