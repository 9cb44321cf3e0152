"""Shared by tools/fuzz_boxes.py, fuzz_losses.py and fuzz_misc.py."""
import subprocess
import tempfile


def run_trick(binary, prog):
    """Writes `prog` to a temporary .trick file (kept for replay) and runs `binary run` on it:
    (path, CompletedProcess), or (path, None) after a 60 s timeout."""
    with tempfile.NamedTemporaryFile('w', suffix='.trick', delete=False) as f:
        f.write(prog)
    try:
        p = subprocess.run([binary, 'run', f.name], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return f.name, None
    return f.name, p
