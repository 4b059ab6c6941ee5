#!/usr/bin/env python3
"""How the suggestion gate's constants (src/kb/suggest.c: GATE, GATE_MARGIN, LISTED_FLOOR)
were obtained (issue 11, kbq3; refitted by kbgen on the union of the tuning sets and the
curl/SQLite development set). Not run by `make check`.

    tests/kb-gate-fit.py POSTDESK-BINARY [SRCDIR]

Imports each set's articles into a scratch home (tests/data/kb/articles for 001-168,
tests/data/kb-heldout3/articles for 219-293), runs `kb suggest` on every mail of the sets 001-168
(tests/data/kb and tests/data/kb-heldout) and 219-293 (tests/data/kb-heldout3, a development set
since kbgen) - never kb-heldout2 nor kb-heldout4, which are kept for measuring - with
PD_KB_FEATURES=1, which prints every candidate's score on stderr, and then, over their union,
for gates of the form

    best + k * (best - second) >= T          (then up to 3 listed, each scoring >= floor)

prints top-1, top-3 and the unanswerable mails given a suggestion as T moves, for a few k, and
the point with the most answers in the top 3 (then top-1) among those that give at most 5% of
the unanswerable mails a suggestion. Pure Python, no packages."""
import json
import os
import subprocess
import sys
import tempfile

# set -> the articles it is asked of; 001-168 and 219-293 only
SETS = {"kb": "kb", "kb-heldout": "kb", "kb-heldout3": "kb-heldout3"}


def features(binary, srcdir):
    mails = []
    for s, articles in SETS.items():
        mails += set_features(binary, srcdir, s, articles)
    return mails


def set_features(binary, srcdir, s, articles):
    home = tempfile.mkdtemp(prefix="kb-gate-fit.")
    env = dict(os.environ, POSTDESK_HOME=home)
    with open(os.path.join(home, "postdesk.conf"), "w") as f:
        f.write("[postdesk]\ndomain = example.com\n\n[queue support]\naddress = s@example.com\ntag = S\n")
    subprocess.run([binary, "init"], env=env, check=True, capture_output=True)
    subprocess.run([binary, "kb", "import", os.path.join(srcdir, "tests/data", articles, "articles")],
                   env=env, check=True, capture_output=True)
    env["PD_KB_FEATURES"] = "1"
    mails = []
    want = {}
    for line in open(os.path.join(srcdir, "tests/data", s, "manifest.tsv")):
        if not line.startswith("#"):
            a = line.rstrip("\n").split("\t")
            want[a[0]] = a[1]
    d = os.path.join(srcdir, "tests/data", s, "mails")
    for f in sorted(os.listdir(d)):
        if f not in want:
            continue
        p = subprocess.run([binary, "kb", "suggest", "--json", f], cwd=d, env=env,
                           check=True, capture_output=True, text=True)
        scores = sorted(((-float(a[4]), a[2]) for a in
                         (l.split("\t") for l in p.stderr.splitlines())
                         if a[0] == "F" and a[1] == "cand"))
        mails.append((want[f], [(slug, -neg) for neg, slug in scores]))
    subprocess.run(["rm", "-rf", home])
    return mails


def measure(mails, k, t, floor=0.10):
    t1 = t3 = su = 0
    for want, cands in mails:
        shown = []
        if cands:
            best = cands[0][1]
            second = cands[1][1] if len(cands) > 1 else 0
            if best + k * (best - second) >= t:
                shown = [slug for slug, score in cands[:3] if score >= floor]
        if want == "none":
            su += bool(shown)
        else:
            t1 += shown[:1] == [want]
            t3 += want in shown
    return t1, t3, su


def main():
    binary = sys.argv[1]
    srcdir = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    mails = features(binary, srcdir)
    na = sum(w != "none" for w, _ in mails)
    nu = len(mails) - na
    limit = int(0.05 * nu)
    print(f"{len(mails)} mails: {na} answerable, {nu} unanswerable (at most {limit} may get a suggestion)")
    picks = []
    for k in (0, 0.25, 0.5, 1.0):
        print(f"k = {k}: T top-1 top-3 unanswerable-suggested")
        for i in range(40, 86):
            t = i / 200
            r = measure(mails, k, t)
            print(f"  {t:.3f} {r[0]:3d} {r[1]:3d} {r[2]:2d}")
            if r[2] <= limit:
                picks.append(((r[1], r[0], -r[2]), k, t, r))
    best = max(picks, key=lambda p: p[0])
    print(f"chosen: k = {best[1]}, T = {best[2]:g}: top-1 {best[3][0]}/{na}, top-3 {best[3][1]}/{na}, "
          f"unanswerable {best[3][2]}/{nu}")


if __name__ == "__main__":
    main()
