#!/usr/bin/env python3
# Issue 16, stop 35: how far two readings of the same documents agree, scored the way the corpus scorer
# scores a draft. Reading B is taken as "drafted" and reading A as the gold: an A item matches an unused B
# item on a shared line when one key contains the other, when the A item is alone on its line, or when some
# reading of each gives the same days in 2026 (two people key one item with different words). Reading B may
# be a second annotator's golds (docs/draft-second-golds) or a draft written as gold lines. Run from the
# repository with a release almanacctl built:
#   python3 scripts/draft-agreement.py Tests/AlmanacDraftTests/Fixtures/corpus/dev docs/draft-second-golds 625 627 ...
import os, sys, subprocess, datetime, functools
A, B, docs = sys.argv[1], sys.argv[2], sys.argv[3:]
ACTL = os.environ.get("ALMANACCTL", ".build/release/almanacctl")
@functools.lru_cache(None)
def days(rule):
    out = subprocess.run([ACTL, "expand", "--year", "2026", "--holidays", "config/holidays", rule.strip()], capture_output=True, text=True).stdout
    s = set()
    for l in out.splitlines():
        if l.startswith("#") or not l.strip(): continue
        parts = l.split()
        a = datetime.date.fromisoformat(parts[0])
        b = datetime.date.fromisoformat(parts[2]) if len(parts) > 2 and parts[1] == ".." else a
        while a <= b:
            s.add(a); a += datetime.timedelta(days=1)
    return frozenset(s)
def load(path):
    items = []
    for l in open(path, encoding="utf-8"):
        if l.startswith("#") or not l.strip(): continue
        f = l.rstrip("\n").split("\t")
        while len(f) < 4: f.append("")
        items.append(dict(lines={int(x) for x in f[0].split("|") if x.strip().isdigit()}, rules=[r.strip() for r in f[1].split("|")], key=f[2].strip(), owner=f[3].strip()))
    return items
def same_date(a, b):
    da = {days(r) for r in a["rules"]}; db = {days(r) for r in b["rules"]}
    return any(x for x in da & db)
T = dict(m=0, a=0, b=0, dates=0)
for d in docs:
    ga, gb = load(f"{A}/{d}.gold.tsv"), load(f"{B}/{d}.gold.tsv")
    used = set(); m = dates = 0; notes = []
    for g in ga:
        alone = sum(1 for h in ga if h["lines"] & g["lines"]) == 1
        # (Two people key one item with different words: on a shared line, the same days match too.)
        cands = [n for n, b in enumerate(gb) if n not in used and b["lines"] & g["lines"]
                 and (alone or g["key"] in b["key"] or b["key"] in g["key"] or same_date(g, b))]
        pick = next((n for n in cands if same_date(g, gb[n])), cands[0] if cands else None)
        if pick is None:
            notes.append(f"  only A: {sorted(g['lines'])} {' | '.join(g['rules'])} {g['key']}"); continue
        used.add(pick); m += 1
        if same_date(g, gb[pick]): dates += 1
        else: notes.append(f"  date: {sorted(g['lines'])} A {' | '.join(g['rules'])} B {' | '.join(gb[pick]['rules'])} {g['key']}")
    for n, b in enumerate(gb):
        if n not in used: notes.append(f"  only B: {sorted(b['lines'])} {' | '.join(b['rules'])} {b['key']}")
    print(f"dev/{d}\tA {len(ga)}\tB {len(gb)}\tmatched {m}\tdates {dates}/{m}")
    for x in notes: print(x)
    T["m"] += m; T["a"] += len(ga); T["b"] += len(gb); T["dates"] += dates
print(f"total\tmatched {T['m']}\tA {T['a']}\tB {T['b']}\tB against A: P {T['m']}/{T['b']} = {T['m']/max(1,T['b']):.2f}, R {T['m']}/{T['a']} = {T['m']/max(1,T['a']):.2f}, dates {T['dates']}/{T['m']}")
