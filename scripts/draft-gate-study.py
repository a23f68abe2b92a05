#!/usr/bin/env python3
# Issue 16, stop 35: can a learned gate tell a set's extra items from its real ones on first sight? Not used by
# the drafter. Rows: each held-out set's first run (the set's texts-and-golds commit, its own documents only),
# made by scripts/draft-gate-study.sh. Two models, both fitted on the other sets and scored on each set in turn
# (leave one set out): a logistic regression over features of the item's sentence and line, and one over the
# character pairs of the sentence and title. Results in docs/draft.md ("Rounds 13 and 14").
#   python3 scripts/draft-gate-study.py ROWS_DIR      (needs numpy)
import sys, os, re, collections, numpy as np
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "AlmanacDraftTests", "Fixtures", "corpus")
_docs = {}
def doc_lines(doc):
    if doc not in _docs:
        half, name = doc.split("/")
        with open(f"{CORPUS}/{half}/{name}.txt", encoding="utf-8", errors="replace") as f:
            _docs[doc] = f.read().split("\n")
    return _docs[doc]

ACTION = ["上报","报送","提交","举办","召开","举行","开展","组织","启动","进行","检查","播放","完成","演出","开幕","闭幕","上演","比赛","培训","宣传","诵读","祭奠","开设",
          "参加","参与","慰问","走访","发放","推出","集中","巡查","排查","演练","评选","表彰","观看","征集","招募","报名","部署","督查","整治","清理","走进","看望","赠送","包","举辦","舉辦","舉行","開展","組織","進行","參加"]
PLAN = ["将","拟","计划","准备","定于","届时","請","请","应","要","须","务必","于"]
PAST = ["了","讯","据悉","记者","近日","日前","日讯","報道","报道","(完)","（完）"]
DESC = ["传统节日","傳統節日","习俗","習俗","寓意","起源","由来","纪念日","節日","节日的","文化内涵","之一"]
PURP = ["为了","為了","为契机","為契機","为主题","為主題","之际","之際","到来","到來","来临","來臨","迎接","庆祝","慶祝","纪念","紀念","结合","結合","围绕","圍繞"]
SPLIT = re.compile(r"[。！？!?；;]")

def sentence_of(line, title):
    sents = [s for s in SPLIT.split(line) if s.strip()] or [line]
    t = title.split("：", 1)[-1] if "：" in title else title
    tset = set(t)
    best, score = sents[0], -1
    for s in sents:
        sc = len(tset & set(s))
        if sc > score: best, score = s, sc
    return best

def form(when):
    w = when
    if w.startswith("lunar"): return "lunar"
    if w.startswith("holiday"): return "holiday"
    if w.startswith(("weekly","monthly","daily","yearly","every")) or "interval" in w: return "recur"
    if re.match(r"\d\d-\d\d\.\.\d\d-(\d\d|last)$", w):
        return "month" if re.match(r"(\d\d)-01\.\.\1-last$", w) else "window"
    if re.match(r"\d\d-\d\d$", w): return "day"
    if re.match(r"\d\d-\d\d", w): return "dayx"
    if re.search(r"[+-]\d+w?d", w): return "offset"
    return "festival"
FORMS = ["lunar","holiday","recur","month","window","day","dayx","offset","festival"]

def has(s, words): return any(x in s for x in words)

def features(doc, when, title, line, conf, source, same_line, same_when):
    lines = doc_lines(doc)
    L = lines[line-1] if 0 < line <= len(lines) else ""
    S = sentence_of(L, title)
    fm = form(when)
    head = "\n".join(lines[:6])
    nonempty = [i for i, l in enumerate(lines) if l.strip()]
    rel = (nonempty.index(line-1) / max(1, len(nonempty)-1)) if (line-1) in nonempty else 0.5
    x = {}
    for f in FORMS: x["form_"+f] = fm == f
    for k in ["item","when","title","kind","owners"]: x["conf_"+k] = conf[k]
    for s in ["sourced","official","chosen"]: x["src_"+s] = source == s
    x["s_action"] = has(S, ACTION)
    x["s_plan"] = has(S, PLAN)
    x["s_past"] = has(S, PAST)
    x["s_question"] = has(S, ["？","?","哪些","什么","吗"]) or has(L[L.find(S)+len(S):L.find(S)+len(S)+1], ["？","?"])
    x["s_desc"] = has(S, DESC)
    x["s_purpose"] = has(S, PURP) or S.lstrip().startswith(("为","為"))
    x["s_every_year"] = has(S, ["每年","每年的"])
    x["s_quote"] = "“" in S or "\"" in S
    x["s_len"] = min(len(S), 120) / 120
    x["s_short"] = len(S.strip()) <= 12
    x["l_only_date"] = bool(re.fullmatch(r"\s*[0-9０-９〇○零一二三四五六七八九十*xX×]{2,4}\s*年\s*[0-9０-９一二三四五六七八九十*xX×]{1,2}\s*月\s*[0-9０-９一二三四五六七八九十*xX×]{1,3}\s*日\s*", L))
    x["l_numbered"] = bool(re.match(r"\s*([一二三四五六七八九十]+[、.．]|\(?[0-9]+[、.．)）]|[（(][一二三四五六七八九十0-9]+[）)])", L))
    x["l_rel"] = rel
    x["l_first"] = (line-1) in nonempty[:2]
    x["l_last"] = (line-1) in nonempty[-3:]
    x["d_news"] = has(head, ["记者","讯","来源","發布","发布时间","编辑"]) 
    x["s_history_year"] = bool(re.search(r"(19|20)\d\d\s*(年|—|-)", S)) and has(S, ["自","起","以来","周年","第"])
    x["s_count_rec"] = bool(re.search(r"每(周|月|季度|年)一次", S))
    x["t_len"] = min(len(title), 40) / 40
    x["t_action"] = has(title, ACTION)
    x["t_colon"] = "：" in title
    x["t_fest_only"] = fm == "festival" and not has(S, ACTION)
    x["fest_noaction"] = fm in ("festival","lunar") and not has(S, ACTION)
    x["fest_past"] = fm in ("festival","lunar") and has(S, PAST)
    x["same_line"] = min(same_line, 5) / 5
    x["same_when"] = min(same_when, 5) / 5
    return x, S

def read(path, setname):
    rows = []
    raw = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8") if l.startswith("draft-conf")]
    cnt_line = collections.Counter((f[0], f[8]) for f in raw)
    cnt_when = collections.Counter((f[0], f[9]) for f in raw)
    for f in raw:
        doc = f[0].split()[1]
        kv = {p.split(" ",1)[0]: p.split(" ",1)[1] for p in f[2:9]}
        conf = {k: float(kv[k]) for k in ["item","when","title","kind","owners"]}
        line = int(kv["line"]); when = f[9]; title = f[10] if len(f) > 10 else ""
        x, S = features(doc, when, title, line, conf, kv["source"], cnt_line[(f[0], f[8])], cnt_when[(f[0], f[9])])
        rows.append(dict(set=setname, doc=doc, y=1.0 if f[1]=="extra" else 0.0, x=x, when=when, title=title, S=S, line=line))
    return rows
def matrix(rows, names): return np.array([[1.0]+[float(r["x"][n]) for n in names] for r in rows])
def fit(X, Y, lam=0.02, it=4000, lr=0.5):
    w = np.zeros(X.shape[1])
    for _ in range(it):
        p = 1/(1+np.exp(-X@w)); w -= lr*(X.T@(p-Y)/len(Y) + lam*np.r_[0, w[1:]])
    return w
def auc(p, y):
    pos, neg = p[y==1], p[y==0]
    return float(np.mean([(a>b)+0.5*(a==b) for a in pos for b in neg])) if len(pos) and len(neg) else float("nan")

def grams(r, n=2):
    S, t = r["S"], r["title"]
    g = {"S:" + S[i:i + n] for i in range(len(S) - n + 1)} | {"T:" + t[i:i + n] for i in range(len(t) - n + 1)}
    return g | {"F:" + (r["when"][:3] if r["when"][:1].isdigit() else r["when"])}

def report(name, p, Y):
    print(f"{name}: leave-one-set-out AUC {auc(p, Y):.2f}")
    for thr in [0.6, 0.5, 0.4, 0.3]:
        keep = p < thr
        print(f"  p < {thr}: real kept {int(((Y == 0) & keep).sum())}/{int((Y == 0).sum())}, extras removed {int(((Y == 1) & ~keep).sum())}/{int(Y.sum())}")

if __name__ == "__main__":
    rows = []
    for f in sorted(os.listdir(sys.argv[1])):
        if f.endswith(".tsv"): rows += read(os.path.join(sys.argv[1], f), f[:-4])
    names = sorted(rows[0]["x"].keys())
    X = matrix(rows, names); Y = np.array([r["y"] for r in rows]); S = np.array([r["set"] for r in rows])
    print(f"{len(rows)} first-run items, {int(Y.sum())} extra, {len(set(S))} sets")
    p = np.zeros(len(rows)); q = np.zeros(len(rows)); G = [grams(r) for r in rows]
    for s in sorted(set(S)):
        tr = S != s
        p[~tr] = 1 / (1 + np.exp(-X[~tr] @ fit(X[tr], Y[tr])))
        df = collections.Counter(g for i in np.where(tr)[0] for g in G[i])
        vocab = {g: k for k, g in enumerate(g for g, c in df.items() if c >= 3)}
        V = np.zeros((len(rows), len(vocab) + 1)); V[:, 0] = 1
        for i, gs in enumerate(G):
            for g in gs:
                if g in vocab: V[i, vocab[g] + 1] = 1
        q[~tr] = 1 / (1 + np.exp(-V[~tr] @ fit(V[tr], Y[tr], lam=0.05, it=1500)))
    report("features of the sentence and line", p, Y)
    report("character pairs of the sentence and title", q, Y)
