#!/bin/sh
# Scores `almanacctl draft` on the corpus of real documents (Tests/AlmanacDraftTests/Fixtures/corpus):
# item precision and recall, date accuracy among matched items, usable titles, owners found;
# one row per document and a total per half (dev, test). Details (missed, extra, wrong) are
# printed for the dev half only. The gold format is in docs/draft.md ("The corpus").
#
#   scripts/draft-eval.sh            # both halves
#   scripts/draft-eval.sh dev        # one half
set -eu
cd "$(dirname "$0")/.."
half=${1:-}
swift build --build-tests >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
swift test --skip-build --filter 'CorpusEvalTests' >"$out" 2>&1 || { cat "$out"; exit 1; }
if [ -n "$half" ]; then
    grep '^draft-eval ' "$out" | sed 's/^draft-eval //' | grep -E "^($half/|total $half|  )" || true
else
    grep '^draft-eval ' "$out" | sed 's/^draft-eval //'
fi
