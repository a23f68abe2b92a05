#!/usr/bin/env python3
# Round 6 (issue 16) experiment, not used by the drafter: a learned accept/reject scorer over drafted items.
#   DRAFT_EVAL_CONFIDENCE=1 swift test --skip-build --filter CorpusEvalTests | grep "^draft-conf dev/" > conf.tsv
#   python3 scripts/draft-scorer-experiment.py conf.tsv      (needs numpy)
# Results and why it was dropped: docs/draft.md, "Round 6".
# Logistic regression over the drafter's candidate items (draft-conf rows of CorpusEvalTests with
# DRAFT_EVAL_CONFIDENCE=1): is an item extra? Trained on the development half before set 6,
# leave-one-document-out on it, then on set 6 (dev/331-361) with weights fitted on the earlier 164.
import sys, re, numpy as np
rows = []
for l in open(sys.argv[1], encoding="utf-8"):
    f = l.rstrip("\n").split("\t")
    doc = f[0].split()[1]
    y = 1.0 if f[1] == "extra" else 0.0
    kv = {p.split(" ", 1)[0]: p.split(" ", 1)[1] for p in f[2:9]}
    when, title = f[9], f[10] if len(f) > 10 else ""
    rows.append((doc, y, kv, when, title))
def feats(kv, when, title):
    x = [float(kv[k]) for k in ["item", "when", "title", "kind", "owners"]]
    src = kv["source"]
    x += [src == s for s in ["sourced", "official", "chosen"]]
    x += [bool(re.fullmatch(r"\d\d-\d\d", when)), bool(re.fullmatch(r"\d\d-\d\d\.\.\d\d-\d\d", when)), "last" in when,
          when.startswith("lunar"), when.startswith("holiday"), not when[:1].isdigit() and not when.startswith(("lunar", "holiday")),
          bool(re.search(r"[+-]\d+w?d", when))]
    x += [len(title) / 20.0, "：" in title or ":" in title, any(w in title for w in ["活动", "期间", "节"]),
          any(w in title for w in ["开展", "举办", "组织", "召开"])]
    return [1.0] + [float(v) for v in x]
X = np.array([feats(kv, w, t) for _, _, kv, w, t in rows]); Y = np.array([r[1] for r in rows]); D = [r[0] for r in rows]
set6 = np.array([int(d.split("/")[1]) >= 331 for d in D])
def fit(X, Y, lam=0.01, it=3000, lr=0.5):
    w = np.zeros(X.shape[1])
    for _ in range(it):
        p = 1 / (1 + np.exp(-X @ w)); w -= lr * (X.T @ (p - Y) / len(Y) + lam * np.r_[0, w[1:]])
    return w
def report(name, p, Y, thr):
    keep = p < thr
    m = int(((Y == 0) & keep).sum()); d = int(keep.sum()); mall = int((Y == 0).sum())
    print(f"{name} thr {thr:.2f}: kept {d}, real kept {m}/{mall}, extra kept {d - m}/{int(Y.sum())}")
early = ~set6
docs = sorted(set(np.array(D)[early]))
pcv = np.zeros(early.sum()); Xe, Ye, De = X[early], Y[early], np.array(D)[early]
for doc in docs:
    tr = De != doc
    pcv[~tr] = 1 / (1 + np.exp(-Xe[~tr] @ fit(Xe[tr], Ye[tr])))
w = fit(Xe, Ye)
p6 = 1 / (1 + np.exp(-X[set6] @ w))
print(f"earlier dev: {len(Ye)} items, {int(Ye.sum())} extra; set 6: {set6.sum()} items, {int(Y[set6].sum())} extra")
def auc(p, y):
    pos, neg = p[y == 1], p[y == 0]
    return float(np.mean([(a > b) + 0.5 * (a == b) for a in pos for b in neg]))
print(f"AUC earlier dev (LOO) {auc(pcv, Ye):.2f}, set 6 {auc(p6, Y[set6]):.2f}")
for thr in [0.3, 0.2, 0.15, 0.1, 0.08, 0.06]:
    report("earlier dev (leave one document out)", pcv, Ye, thr)
    report("set 6 (fitted on earlier dev)", p6, Y[set6], thr)
