#!/usr/bin/env python3
"""A learned suggestion gate and a BM25 blend of the order, measured across knowledge bases
(issue 11, kbfit). Not run by `make check` in full (e2e 552 runs it with --quick). Pure Python.

    tests/kb-gate-model.py POSTDESK-BINARY [SRCDIR] [--quick]

Imports each development set's articles into a scratch home (tests/data/kb/articles for 001-168,
tests/data/kb-heldout3/articles for 219-293; never kb-heldout2 nor kb-heldout4), runs `kb
suggest` with PD_KB_FEATURES=1 on every mail (every candidate scored, no gate) and `kb suggest
--plain-bm25 --max 10`, then:

 1. the order with no gate: ours, plain BM25, and ours + W x (plain BM25 / the mail's best BM25);
 2. a logistic gate over per-mail features (below), fitted on two sets and its threshold set
    there so that at most 5% of those sets' unanswerable mails get a suggestion, measured on
    the third (cross-set), and fitted on the union (in-sample); next to it suggest.c's gate
    (best + 0.25 x (best - second) >= T) with T fitted the same way;
 3. --quick: only the feature count and the union figures of suggest.c's gate and of the
    logistic gate over (best, margin), for e2e 552.

Label of a mail for the fit: answerable and its answer among the three listed (ungated)."""
import json
import math
import os
import subprocess
import sys
import tempfile

SETS = {"kb": "kb", "kb-heldout": "kb", "kb-heldout3": "kb-heldout3"}
GROUP = {"kb": "001-123", "kb-heldout": "124-168", "kb-heldout3": "219-293"}
LIMIT = 0.05


def dump(binary, srcdir):
    res = []
    for s, arts in SETS.items():
        home = tempfile.mkdtemp(prefix="kb-gate-model.")
        env = dict(os.environ, POSTDESK_HOME=home)
        with open(os.path.join(home, "postdesk.conf"), "w") as f:
            f.write("[postdesk]\ndomain = example.com\n\n[queue support]\naddress = s@example.com\ntag = S\n")
        subprocess.run([binary, "init"], env=env, check=True, capture_output=True)
        subprocess.run([binary, "kb", "import", os.path.join(srcdir, "tests/data", arts, "articles")],
                       env=env, check=True, capture_output=True)
        want = {}
        for line in open(os.path.join(srcdir, "tests/data", s, "manifest.tsv")):
            if not line.startswith("#"):
                a = line.rstrip("\n").split("\t")
                want[a[0]] = a[1]
        d = os.path.join(srcdir, "tests/data", s, "mails")
        fenv = dict(env, PD_KB_FEATURES="1")
        for f in sorted(os.listdir(d)):
            if f not in want:
                continue
            p = subprocess.run([binary, "kb", "suggest", "--json", f], cwd=d, env=fenv,
                               check=True, capture_output=True, text=True)
            mail, cands = None, []
            for l in p.stderr.splitlines():
                a = l.split("\t")
                if a[0] != "F":
                    continue
                if a[1] == "mail":
                    mail = [float(x) for x in a[2:8]]
                elif a[1] == "cand":
                    cands.append(dict(slug=a[2], score=float(a[4]), qshare=float(a[5]),
                                      tshare=float(a[6]), matches=int(a[7])))
            pl = subprocess.run([binary, "kb", "suggest", "--json", "--plain-bm25", "--max", "10", f],
                                cwd=d, env=env, check=True, capture_output=True, text=True)
            plain = [(x["slug"], x["score"]) for x in json.loads(pl.stdout)["suggestions"]]
            cands.sort(key=lambda c: -c["score"])
            res.append(dict(group=GROUP[s], want=want[f], mail=mail, cands=cands, plain=plain))
        subprocess.run(["rm", "-rf", home])
    return res


# per-mail features, each comparable across knowledge bases (scores are in units of ln (1 + N))
def f_best(r):
    return r["cands"][0]["score"] if r["cands"] else 0


def f_margin(r):
    c = r["cands"]
    return c[0]["score"] - (c[1]["score"] if len(c) > 1 else 0) if c else 0


FEATURES = {
    "best": f_best,
    "margin": f_margin,
    # the best article's share of the question's words it has at all
    "matchfrac": lambda r: r["cands"][0]["matches"] / max(1, r["mail"][0]) if r["cands"] else 0,
    # the question's weight in words the knowledge base knows
    "known": lambda r: 1 - r["mail"][4] / r["mail"][3] if r["mail"][3] > 0 else 0,
    "qshare": lambda r: r["cands"][0]["qshare"] if r["cands"] else 0,
    "tshare": lambda r: r["cands"][0]["tshare"] if r["cands"] else 0,
    "lnq": lambda r: math.log(1 + r["mail"][0]),
    "ratio": lambda r: 1 - (r["cands"][1]["score"] / r["cands"][0]["score"]
                            if len(r["cands"]) > 1 and r["cands"][0]["score"] > 0 else 0),
}


def outcome(r, floor=0.10):
    shown = [c["slug"] for c in r["cands"][:3] if c["score"] >= floor]
    ans = r["want"] != "none"
    return ans, ans and shown[:1] == [r["want"]], ans and r["want"] in shown


def fit(X, Y, l2=0.01, it=3000, lr=0.5):
    n = len(X[0])
    mu = [sum(x[j] for x in X) / len(X) for j in range(n)]
    sd = [max(1e-9, math.sqrt(sum((x[j] - mu[j]) ** 2 for x in X) / len(X))) for j in range(n)]
    Z = [[(x[j] - mu[j]) / sd[j] for j in range(n)] for x in X]
    w, b = [0.0] * n, 0.0
    for _ in range(it):
        gw, gb = [0.0] * n, 0.0
        for z, y in zip(Z, Y):
            p = 1 / (1 + math.exp(-max(-30, min(30, b + sum(a * c for a, c in zip(w, z))))))
            gb += p - y
            for j in range(n):
                gw[j] += (p - y) * z[j]
        b -= lr * gb / len(Z)
        for j in range(n):
            w[j] -= lr * (gw[j] / len(Z) + l2 * w[j])
    return [w[j] / sd[j] for j in range(n)], b - sum(w[j] * mu[j] / sd[j] for j in range(n))


def lin(w, b, x):
    return b + sum(a * c for a, c in zip(w, x))


def threshold(w, b, X, O):
    us = sorted((lin(w, b, x) for x, o in zip(X, O) if not o[0]), reverse=True)
    lim = int(LIMIT * len(us))
    return us[lim] + 1e-9 if len(us) > lim else -1e9


def evaluate(w, b, t, X, O):
    e = [0, 0, 0, 0, 0]  # top-1, top-3, unanswerable suggested, answerable, unanswerable
    for x, o in zip(X, O):
        on = lin(w, b, x) >= t
        if o[0]:
            e[0] += on and o[1]
            e[1] += on and o[2]
            e[3] += 1
        else:
            e[2] += on
            e[4] += 1
    return e


def rows(mails, names):
    return ([[FEATURES[n](r) for n in names] for r in mails], [int(outcome(r)[2]) for r in mails],
            [outcome(r) for r in mails], [r["group"] for r in mails])


def cross(mails, names, fixed=None):
    X, Y, O, G = rows(mails, names)
    tot, per = [0] * 5, {}
    for test in GROUP.values():
        tr = [i for i, g in enumerate(G) if g != test]
        te = [i for i, g in enumerate(G) if g == test]
        w, b = fixed if fixed else fit([X[i] for i in tr], [Y[i] for i in tr])
        t = threshold(w, b, [X[i] for i in tr], [O[i] for i in tr])
        per[test] = evaluate(w, b, t, [X[i] for i in te], [O[i] for i in te])
        tot = [p + q for p, q in zip(tot, per[test])]
    return tot, per


def union(mails, names, fixed=None):
    X, Y, O, _ = rows(mails, names)
    w, b = fixed if fixed else fit(X, Y)
    t = threshold(w, b, X, O)
    return evaluate(w, b, t, X, O), w, b - t


def fmt(e):
    return f"top-1 {e[0]}/{e[3]} top-3 {e[1]}/{e[3]} unanswerable {e[2]}/{e[4]}"


def blended(mails, wt):
    out = []
    for r in mails:
        p = dict(r["plain"])
        m = max(p.values()) if p else 1
        c = [dict(x, score=x["score"] + wt * p.get(x["slug"], 0) / m) for x in r["cands"]]
        c.sort(key=lambda x: -x["score"])
        out.append(dict(r, cands=c))
    return out


def order_figures(mails, key):
    per = {}
    for r in mails:
        if r["want"] == "none":
            continue
        o = key(r)
        a = per.setdefault(r["group"], [0, 0, 0])
        a[0] += o[:1] == [r["want"]]
        a[1] += r["want"] in o[:3]
        a[2] += 1
    return " ".join(f"{g} {a[0]}/{a[1]}/{a[2]}" for g, a in per.items())


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    srcdir = args[1] if len(args) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    mails = dump(args[0], srcdir)
    print(f"mails {len(mails)} answerable {sum(r['want'] != 'none' for r in mails)}")
    print("suggest.c gate (best + 0.25 margin), union:", fmt(union(mails, ["best", "margin"], ([1, 0.25], 0))[0]))
    e, w, b = union(mails, ["best", "margin"])
    print("logistic (best, margin), union:", fmt(e), "coefficients", [round(x, 3) for x in w], round(b, 3))
    if quick:
        return
    print("order, no gate (set top-1/top-3/answerable):")
    print("  ours      ", order_figures(mails, lambda r: [c["slug"] for c in r["cands"]]))
    print("  plain BM25", order_figures(mails, lambda r: [s for s, _ in r["plain"]]))
    for wt in (0.1, 0.2, 0.3):
        print(f"  ours + {wt} BM25/best", order_figures(blended(mails, wt), lambda r: [c["slug"] for c in r["cands"]]))
    print("gates, cross-set (fit on two sets, measured on the third) and union (in-sample):")
    tot, per = cross(mails, ["best", "margin"], ([1, 0.25], 0))
    print("  suggest.c's form, T refitted:", fmt(tot), {g: fmt(e) for g, e in per.items()})
    for names in (["best", "margin"], ["best", "margin", "matchfrac"], ["best", "margin", "known"],
                  ["best", "margin", "matchfrac", "known"], ["best", "margin", "qshare", "tshare"],
                  ["best", "margin", "lnq"], ["best", "margin", "ratio"]):
        tot, per = cross(mails, names)
        print(f"  logistic {','.join(names)}: cross {fmt(tot)} | union {fmt(union(mails, names)[0])}")
        print("     ", {g: fmt(e) for g, e in per.items()})
    for wt in (0.1, 0.2, 0.3):
        b = blended(mails, wt)
        tot, _ = cross(b, ["best", "margin"])
        print(f"  order ours + {wt} BM25, logistic best,margin: cross {fmt(tot)} | union {fmt(union(b, ['best', 'margin'])[0])}")


if __name__ == "__main__":
    main()
