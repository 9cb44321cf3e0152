# Writes examples/lab/README.md from the lab notebooks' results (`make lab` runs it after them):
# one row per trick measured, with its baseline, the trick, the difference and its spread.
rows = []
for name in ['07_ensembling', '09_soft_nms']:
    r = load_json('examples/lab/results/' + name + '.json')
    rows.append((name, r))

def f(ms):
    return '%.3f ± %.3f' % (ms[0], ms[1])

print('# The trick lab')
print()
print('Each notebook here measures one trick of the seed against its baseline on seeded synthetic data')
print('(`stdlib/lab/`), over 3 seeds, mean ± std. `make lab` runs them all and rewrites this page; the')
print('notebooks are golden-tested by `make test`, so every number below is recomputed on each run.')
print('The setup of each experiment (data, models, metrics) is in its first Markdown cell.')
print()
print('| trick | metric | baseline | with the trick | difference | notebook |')
print('|---|---|---|---|---|---|')
for name, r in rows:
    print('| ' + r['trick'] + ' | ' + r['metric'] + ' | ' + r['baseline'] + ': ' + f(r['base']) + ' | '
          + r['trick_name'] + ': ' + f(r['value']) + ' | ' + ('+' if r['diff'][0] >= 0 else '') + f(r['diff'])
          + ' | [' + name + '.trick](' + name + '.trick) |')
print()
print('Charts: [Soft-NMS / NMS threshold sweep](results/09_threshold_sweep.svg).')
print()
print('Still to come (they need training inside trick): head LR ×10, OHEM, class-balanced losses,')
print('CE + Dice, `avg_non_ignore`, multi-scale training and TTA, SWA.')
