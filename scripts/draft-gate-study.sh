#!/bin/sh
# Issue 16, stop 35: the rows of scripts/draft-gate-study.py, the first run of each held-out set 4b-12 scored
# by the code that had never seen it (the set's texts-and-golds commit), its own documents only. Builds each
# commit in a scratch worktree (a few minutes each), then runs the study.
#   scripts/draft-gate-study.sh [ROWS_DIR]
set -eu
cd "$(dirname "$0")/.."
rows=${1:-/tmp/draft-gate-rows}
mkdir -p "$rows"
wt=$(mktemp -d)
git worktree add -q --detach "$wt" HEAD
trap 'git worktree remove --force "$wt"' EXIT
for spec in "6e5bbf6 273 289" "a31897c 291 319" "be88335 321 329" "c8ffda1 331 361" "ac8d48a 363 387" \
    "76df20b 389 417" "f63705b 419 447" "ac0f92a 449 479" "073cd4a 481 503" "a0743ad 505 527"; do
    set -- $spec
    [ -s "$rows/$1.tsv" ] && continue
    git -C "$wt" checkout -q --detach "$1"
    (cd "$wt" && swift build --build-tests >/dev/null &&
        DRAFT_EVAL_CONFIDENCE=1 swift test --skip-build --filter CorpusEvalTests 2>/dev/null) | grep '^draft-conf dev/' |
        awk -v lo="$2" -v hi="$3" -F'\t' '{split($1, a, "/"); n = a[2] + 0; if (n >= lo && n <= hi) print}' > "$rows/$1.tsv"
done
python3 scripts/draft-gate-study.py "$rows"
