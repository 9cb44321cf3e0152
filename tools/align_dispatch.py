#!/usr/bin/env python3
"""Keep the VM's two dispatch blocks inside one 64-byte line each.

Each of the VM's loops (`VM.execute`, `VM.runPlain`) ends every bytecode in one block: load the
next instruction, jump through the opcode's table. Where that block lands relative to 64-byte
lines moved the interpreter rows by up to 30 % with the same instructions (session 18: `execute`
shifted by 16, 32 or 48 bytes put the block across a line: int_loop 14.2 -> 17-18.5 ms,
comprehension 17.5 -> 22-23 ms, config_merge 8.4 -> 8.9 ms), and any edit of the function moves
the block. Sources/trick/helpers.ld places each loop at a 64-byte boundary plus a pad (`. += N;`
before it, marked `pad: execute` / `pad: runPlain`); this tool finds each dispatch block in a
built binary and says whether it crosses a line, and with --fix writes the pads that keep it in
one (then relink: `make build` does).

The dispatch block is found as the most frequent target of the function's direct jumps that
falls through to a table jump (`jmp *%reg`) within a line (every `continue` of the loop goes
there), from the first of the frequent targets that reach the same jump to the jump's end.

Usage: tools/align_dispatch.py [--fix] [BIN]     exit 0: aligned; 1: a block crosses a line (with
--fix: the pads were rewritten, relink and run again); 2: a block was not found.
"""
import collections
import os
import re
import subprocess
import sys

LINE = 64
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'Sources', 'trick', 'helpers.ld')
LOOPS = {
    'execute': '$s9TrickLang2VMC7execute_4base8function9generatorAA5ValueOAA5ChunkC_SiAA8FunctionCSgAA14GeneratorStateCSgtKF',
    'runPlain': '$s9TrickLang2VMC8runPlain_5floorSpyAA5InstrOGSpyAC10ActivationVGz_SitF',
}


def symbols(binary):
    out = subprocess.run(['nm', '-S', binary], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] in LOOPS.values():
            found[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    return found


def dispatch_block(binary, start, size):
    """(first address, end address) of the dispatch block of the function at start."""
    out = subprocess.run(['objdump', '-d', '--no-show-raw-insn', f'--start-address={start}', f'--stop-address={start + size}',
                          binary], capture_output=True, text=True, check=True).stdout
    insns = []
    for line in out.splitlines():
        m = re.match(r'\s*([0-9a-f]+):\s+(.*)', line)
        if m:
            insns.append((int(m.group(1), 16), m.group(2)))
    targets = collections.Counter()
    for _, text in insns:
        m = re.match(r'j\w+\s+([0-9a-f]+) <', text)
        if m and start <= int(m.group(1), 16) < start + size:
            targets[int(m.group(1), 16)] += 1
    index = {addr: k for k, (addr, _) in enumerate(insns)}

    def table_jump(target):
        """The end of the table jump a target falls through to within a line, else None."""
        k = index.get(target)
        while k is not None and k < len(insns) and insns[k][0] - target < LINE:
            text = insns[k][1]
            if re.match(r'jmp\s+\*%', text):
                return insns[k + 1][0] if k + 1 < len(insns) else start + size
            if re.match(r'(jmp|ret)\b', text):
                return None
            k += 1
        return None

    # the most frequent target that reaches a table jump is the loop's head; the block starts at
    # the first of the targets that reach the same jump (a `continue` may enter a few instructions
    # earlier, to reload a value first)
    reaching = {t: table_jump(t) for t in targets}
    heads = [t for t, _ in targets.most_common() if reaching[t] is not None]
    if not heads:
        return None
    end = reaching[heads[0]]
    first = min(t for t in heads if reaching[t] == end and targets[t] * 4 >= targets[heads[0]])
    return first, end


def pads():
    text = open(SCRIPT).read()
    return {name: int(m.group(1)) for name in LOOPS for m in [re.search(r'\. \+= (\d+); /\* pad: ' + name + r' \*/', text)] if m}


def write_pads(new):
    text = open(SCRIPT).read()
    for name, pad in new.items():
        text = re.sub(r'\. \+= \d+; /\* pad: ' + name + r' \*/', f'. += {pad}; /* pad: {name} */', text)
    open(SCRIPT, 'w').write(text)


def main():
    args = sys.argv[1:]
    fix = '--fix' in args
    args = [a for a in args if a != '--fix']
    binary = args[0] if args else os.path.join(ROOT, '.build', 'release', 'trick')
    found = symbols(binary)
    current = pads()
    new = dict(current)
    status = 0
    for name, symbol in LOOPS.items():
        if symbol not in found or name not in current:
            print(f'align_dispatch: {name}: not found in {binary} or {SCRIPT}')
            return 2
        start, size = found[symbol]
        block = dispatch_block(binary, start, size)
        if block is None:
            print(f'align_dispatch: {name}: no dispatch block found')
            return 2
        head, end = block
        where = f'{name} dispatch block {head:#x}-{end:#x} ({end - head} bytes, pad {current[name]})'
        if head // LINE == (end - 1) // LINE:
            print(f'align_dispatch: {where}: inside one {LINE}-byte line')
            continue
        status = 1
        # the function starts at a 64-byte boundary plus the pad: moving the pad moves the block
        offset = (head - current[name]) % LINE
        fits = [p for p in range(0, LINE, 16) if (offset + p) % LINE + (end - head) <= LINE]
        if not fits:
            print(f'align_dispatch: {where}: crosses a line, and no pad keeps it in one')
            return 2
        new[name] = fits[0]
        print(f'align_dispatch: {where}: crosses a line; pad {fits[0]} keeps it in one'
              + ('' if fix else f' (run tools/align_dispatch.py --fix and relink)'))
    if status and fix:
        write_pads(new)
        print(f'align_dispatch: wrote the pads to {os.path.relpath(SCRIPT, ROOT)}: relink (rm {binary}; make build)')
    return status


if __name__ == '__main__':
    sys.exit(main())
