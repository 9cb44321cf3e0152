#!/usr/bin/env bash
# torch.save in torch's format: trick runs Tests/torch_save/write_files.py and must write exactly
# the bytes of Tests/torch_save/trick_files/, which tools/gen_torch_save_files.py made with trick and
# checked with torch 2.4.1 (torch.load, weights-only and not, gives what torch's own files give).
# Usage: tests/torch_save_files.sh [path/to/trick]
set -u
BIN=${1:-.build/release/trick}
DIR=Tests/torch_save
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! TORCH_SAVE_OUT=$out "$BIN" run "$DIR/write_files.py"; then
    echo "torch_save: $DIR/write_files.py failed under trick"; exit 1
fi
status=0 n=0
for f in "$DIR"/trick_files/*.pt; do
    n=$((n + 1))
    cmp -s "$f" "$out/$(basename "$f")" || { echo "torch_save: trick now writes $(basename "$f") differently from $f (checked by torch); rerun tools/gen_torch_save_files.py"; status=1; }
done
[ "$(ls "$out" | wc -l)" -eq "$n" ] || { echo "torch_save: write_files.py writes $(ls "$out" | wc -l) files, $DIR/trick_files has $n"; status=1; }
[ $status = 0 ] && echo "torch_save: trick writes the $n files torch checked, byte for byte"
exit $status
