#!/usr/bin/env bash
# Rebuilds the local copy of the upstream unit-test files `make upstream` reads (UPSTREAM_SRC,
# default ../upstream-src) from git directories of the libraries' repositories, at the commits
# Tests/upstream/FILES.txt records. The copy stays outside every repository: fetched sources are
# never committed.
#
# Usage: tools/fetch_upstream.sh DEST MMSEG_GIT MMCV_GIT MMENGINE_GIT MMDET_GIT
#   DEST          where the copy goes (e.g. /work/upstream-src); created if missing
#   *_GIT         a git directory (bare is fine, e.g. the tool library's `fetch` mirror
#                 /work/.mirror/<owner>+<name>/repo) that holds the recorded commits. A fork's
#                 copy does as well as the original: a commit id names its content, and the
#                 script checks each commit is there. (open-mmlab/mmsegmentation and mmdetection
#                 are over the fetch size limit; forks that carry their history are not, e.g.
#                 AI-Tianlong/mmsegmentation and BitStrawber/mmdetection.)
# A file whose repository is too big for any fetch (pytorch, pytorch/vision) is not written by
# this script: the lines marked `manual` below name the repository, commit and path to read
# with the tool library's read_file and to write at DEST/<lib>/<path> (the text as read, ending
# in its newline); the script then checks each such file is there and has the recorded number of
# characters (read_file's total_chars), and says which are missing.
set -euo pipefail
if [ $# -ne 5 ]; then
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 2
fi
DEST=$1
declare -A GIT=([mmsegmentation]=$2 [mmcv]=$3 [mmengine]=$4 [mmdetection]=$5)

# lib  commit (full id)  path  -- one line per file (test files and the data files they open); a
# directory's path brings every file under it
MANIFEST='
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/test_image/test_geometric.py
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/test_image/test_photometric.py
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/test_cnn/test_conv_module.py
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/test_transforms/test_transforms_processing.py
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/test_transforms/test_transforms_wrapper.py
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/test_transforms/test_transforms_loading.py
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/test_transforms/test_transforms_formatting.py
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/data/color.jpg
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/data/grayscale.jpg
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/data/gray_alpha.png
mmcv 57c4e25e06e2d4f8a9357c84bcd24089a284dc88 tests/data/patches
mmengine 390ba2fbb272816adfd2883642326d0fd0ca6049 tests/test_optim/test_optimizer/test_optimizer.py
mmengine 390ba2fbb272816adfd2883642326d0fd0ca6049 tests/test_optim/test_optimizer/test_optimizer_wrapper.py
mmengine 390ba2fbb272816adfd2883642326d0fd0ca6049 tests/test_optim/test_optimizer/test_optimizer_wrapper_dict.py
mmengine 390ba2fbb272816adfd2883642326d0fd0ca6049 tests/test_optim/test_scheduler/test_lr_scheduler.py
mmengine 390ba2fbb272816adfd2883642326d0fd0ca6049 tests/test_optim/test_scheduler/test_momentum_scheduler.py
mmengine 390ba2fbb272816adfd2883642326d0fd0ca6049 tests/test_optim/test_scheduler/test_param_scheduler.py
mmengine 390ba2fbb272816adfd2883642326d0fd0ca6049 tests/test_model/test_averaged_model.py
mmsegmentation c685fe6767c4cadf6b051983ca6208f1b9d1ccb8 tests/test_datasets/test_transform.py
mmsegmentation c685fe6767c4cadf6b051983ca6208f1b9d1ccb8 tests/test_engine/test_layer_decay_optimizer_constructor.py
mmsegmentation c685fe6767c4cadf6b051983ca6208f1b9d1ccb8 tests/test_engine/test_optimizer.py
mmsegmentation c685fe6767c4cadf6b051983ca6208f1b9d1ccb8 tests/test_models/test_losses/test_cross_entropy_loss.py
mmsegmentation c685fe6767c4cadf6b051983ca6208f1b9d1ccb8 tests/test_models/test_losses/test_dice_loss.py
mmsegmentation c685fe6767c4cadf6b051983ca6208f1b9d1ccb8 tests/test_models/test_losses/test_tversky_loss.py
mmsegmentation c685fe6767c4cadf6b051983ca6208f1b9d1ccb8 tests/test_sampler.py
mmsegmentation c685fe6767c4cadf6b051983ca6208f1b9d1ccb8 tests/data/color.jpg
mmsegmentation c685fe6767c4cadf6b051983ca6208f1b9d1ccb8 tests/data/gray.jpg
mmsegmentation c685fe6767c4cadf6b051983ca6208f1b9d1ccb8 tests/data/seg.png
mmsegmentation 24cc27ddd5a71ac7245174c8a4b228190b0266b3 tests/test_models/test_losses/test_focal_loss.py
mmsegmentation 24cc27ddd5a71ac7245174c8a4b228190b0266b3 tests/test_models/test_losses/test_utils.py
mmdetection 44ebd17b145c2372c4b700bfb9cb20dbd28ab64a tests/test_models/test_task_modules/test_assigners/test_max_iou_assigner.py
mmdetection 44ebd17b145c2372c4b700bfb9cb20dbd28ab64a tests/test_models/test_task_modules/test_iou2d_calculator.py
'
# lib  repository  commit  path  characters (read_file total_chars) -- read by hand, see above
MANUAL='
pytorch pytorch/pytorch 045a976cc7fd4af11d46649bd90979d9a97fbc2a test/optim/test_swa_utils.py 12575
torchvision pytorch/vision 00673be3960268a837860cd6a05373d9861221d3 test/test_ops.py 77987
'

status=0
while read -r lib commit path; do
    [ -n "$lib" ] || continue
    git=${GIT[$lib]}
    if ! git --git-dir="$git" cat-file -e "$commit^{commit}" 2>/dev/null; then
        echo "fetch_upstream: $git does not hold $lib's commit $commit (needed for $path)" >&2
        status=1; continue
    fi
    if [ "$(git --git-dir="$git" cat-file -t "$commit:$path")" = tree ]; then
        files=$(git --git-dir="$git" ls-tree -r --name-only "$commit" -- "$path")
    else
        files=$path
    fi
    for f in $files; do
        mkdir -p "$DEST/$lib/$(dirname "$f")"
        git --git-dir="$git" show "$commit:$f" > "$DEST/$lib/$f"
        echo "$lib/$f  ($lib ${commit:0:7})"
    done
done <<< "$MANIFEST"

while read -r lib repo commit path chars; do
    [ -n "$lib" ] || continue
    f=$DEST/$lib/$path
    if [ ! -f "$f" ]; then
        echo "fetch_upstream: MISSING $lib/$path: read_file repo=$repo path=$path commit=$commit, write it there" >&2
        status=1
    elif [ "$chars" != 0 ] && [ "$(wc -m < "$f")" != "$chars" ]; then
        echo "fetch_upstream: $lib/$path has $(wc -m < "$f") characters, read_file said $chars: read it again" >&2
        status=1
    else
        echo "$lib/$path  (kept: read by hand from $repo ${commit:0:7})"
    fi
done <<< "$MANUAL"
exit $status
