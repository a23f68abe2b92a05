#!/bin/sh
# Measures the CPU time of `almanacctl draft` (release build) per MB of input, on documents made
# from the development half of the corpus (the test half is never read): that half concatenated
# to about 1 MB and 7.9 MB (many lines), one line of about 1 MB, and a dense document of about 1 MB
# where every line holds a date (the half's lines with a digit followed by 月 or 日, each copy made
# unique with a running number, so none is dropped as a repeat): a yearly plan or task list, one item
# per line. The bound is 1 s of CPU per MB (issue 16).
#
#   scripts/draft-speed.sh [BUILD_DIR]     # BUILD_DIR defaults to .build
set -eu
cd "$(dirname "$0")/.."
scratch=${1:-.build}
swift build -c release --product almanacctl --scratch-path "$scratch" >/dev/null
bin="$scratch/release/almanacctl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'PY'
import glob, os, sys
tmp = sys.argv[1]
texts = [open(f, encoding="utf-8").read() for f in sorted(glob.glob("Tests/AlmanacDraftTests/Fixtures/corpus/dev/*.txt"))]
corpus = "\n".join(texts) + "\n"
def fill(n):
    out, i = [], 0
    size = 0
    while size < n:
        # Vary the text a little so repeated lines are not all dropped as duplicates.
        chunk = corpus.replace("活动", "活动%d" % i, 1)
        out.append(chunk)
        size += len(chunk.encode("utf-8"))
        i += 1
    return "".join(out)
open(os.path.join(tmp, "lines-1mb.txt"), "w", encoding="utf-8").write(fill(1 << 20))
# (Cut at a line's end under the drafter's 8 MiB limit: one copy of the corpus is now larger than the margin.)
big = fill((8 << 20) - (200 << 10)).encode("utf-8")
big = big[: big[: (8 << 20) - (64 << 10)].rfind(b"\n") + 1]
open(os.path.join(tmp, "lines-8mb.txt"), "wb").write(big)
one = fill(1 << 20).replace("\n", "，")
open(os.path.join(tmp, "one-line-1mb.txt"), "w", encoding="utf-8").write(one)
import re
dated = [l for l in corpus.splitlines() if re.search(r"[0-9０-９][月日]", l)]
out, size, i = [], 0, 0
while size < (1 << 20):
    line = "%s（%d）\n" % (dated[i % len(dated)], i)
    out.append(line)
    size += len(line.encode("utf-8"))
    i += 1
open(os.path.join(tmp, "dated-lines-1mb.txt"), "w", encoding="utf-8").write("".join(out))
PY
for f in lines-1mb one-line-1mb lines-8mb dated-lines-1mb; do
    bytes=$(wc -c < "$tmp/$f.txt")
    /usr/bin/time -f "%U %S %e" -o "$tmp/time" "$bin" draft "$tmp/$f.txt" > "$tmp/out.yaml" 2> "$tmp/err" || { cat "$tmp/err"; exit 1; }
    python3 - "$f" "$bytes" "$tmp/time" "$tmp/err" <<'PY'
import sys
name, size, tf, ef = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
user, sysc, wall = map(float, open(tf).read().split()[-3:])
mb = size / (1 << 20)
summary = [l for l in open(ef, encoding="utf-8").read().splitlines() if "items" in l][-1:]
print(f"{name}: {mb:.2f} MB, CPU {user + sysc:.2f} s ({(user + sysc) / mb:.2f} s per MB), wall {wall:.2f} s; {summary[0] if summary else ''}")
PY
done
