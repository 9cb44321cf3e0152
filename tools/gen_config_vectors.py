"""Config.fromfile vectors from the real MMEngine, for Tests/TrickLangTests/ConfigTests.swift.

Each well-formed seed snippet that has a `_base_` (Tests/TrickLangTests/Fixtures/seed/*.py) is loaded
with mmengine.Config.fromfile next to a stand-in base file (Tests/TrickLangTests/Fixtures/config/bases/),
and the merged config is written as JSON (tuples become lists) to Tests/TrickLangTests/Fixtures/config/.

    /work/refenv/bin/python tools/gen_config_vectors.py
"""
import json
import os
import shutil
import tempfile

from mmengine import Config

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'TrickLangTests', 'Fixtures')
SNIPPETS = ['2a_ohem_pixel.py', '3a_class_weight.py', '4_multiple_losses.py', '5_ignore_index.py', '1_paramwise.py']


def main():
    out = {}
    bases = os.path.join(ROOT, 'config', 'bases')
    for name in SNIPPETS:
        with tempfile.TemporaryDirectory() as d:
            for b in os.listdir(bases):
                shutil.copy(os.path.join(bases, b), d)
            shutil.copy(os.path.join(ROOT, 'seed', name), os.path.join(d, name))
            cfg = Config.fromfile(os.path.join(d, name))
            out[name] = json.loads(json.dumps(cfg.to_dict()))
    with open(os.path.join(ROOT, 'config', 'mmengine_fromfile.json'), 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
