#!/usr/bin/python3
# campaign-check.py - check what campaign-sink.py captured against a list's subscribers:
# every active subscriber got the announcement (at least once), each message went to one
# recipient and names no other subscriber, and carries the list headers (List-Id, both
# List-Unsubscribe URIs, List-Unsubscribe-Post, Precedence: bulk, Auto-Submitted, a VERP
# return path bounces+dID-SIG@, To: the recipient alone). --sink is campaign-sink.py's file
# or a directory of Postfix smtp-sink -d dumps. Prints a JSON summary; exits 1 on any problem
# or more duplicates than --max-duplicates.
import argparse
import email
import email.policy
import json
import os
import re
import sqlite3
import sys

p = argparse.ArgumentParser()
p.add_argument("--db", required=True)
p.add_argument("--list", required=True)
p.add_argument("--sink", required=True)
p.add_argument("--max-duplicates", type=int, default=0)
p.add_argument("--only-domain", help="check only subscribers of this domain")
a = p.parse_args()

con = sqlite3.connect(a.db, timeout=30)
subs = {r[0]: r[1] for r in con.execute(
    "SELECT s.address, s.id FROM subscribers s JOIN lists l ON l.id = s.list_id "
    "WHERE l.name = ? AND s.status = 'active'", (a.list,))}
list_address = con.execute("SELECT address FROM lists WHERE name = ?", (a.list,)).fetchone()[0]
addr_re = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+")
counts = {}
problems = []
msgids = {}


def records(sink):
    """campaign-sink.py's JSON lines, or the files Postfix's smtp-sink -d dumped in a
    directory (X-Mail-Args and X-Rcpt-Args lines before the message)."""
    if not os.path.isdir(sink):
        for line in open(sink):
            yield json.loads(line)
        return
    for n, name in enumerate(sorted(os.listdir(sink))):
        text = open(os.path.join(sink, name), encoding="utf-8", errors="replace").read()
        text = text.replace("\r\n", "\n")
        head, rest, rcpt, mail_from = [], [], [], ""
        lines = text.split("\n")
        i = 0
        while i < len(lines) and lines[i].startswith("X-"):
            k, _, v = lines[i].partition(": ")
            if k == "X-Mail-Args":
                mail_from = v.split()[0].strip("<>") if v else ""
            elif k == "X-Rcpt-Args":
                rcpt.append(v.split()[0].strip("<>"))
            i += 1
        # smtp-sink's own Received: field and its continuation lines
        if i < len(lines) and lines[i].startswith("Received:"):
            i += 1
            while i < len(lines) and lines[i][:1] in (" ", "\t"):
                i += 1
        yield {"n": n + 1, "mail_from": mail_from, "rcpt": rcpt, "data": "\n".join(lines[i:])}


for m in records(a.sink):
    if "event" in m:
        continue
    rcpts = [r.lower() for r in m["rcpt"]]
    if not any(r in subs for r in rcpts):
        continue  # not an announcement to this list (an owner's notice, say)
    if len(rcpts) != 1:
        problems.append("message %d has %d recipients" % (m["n"], len(rcpts)))
        continue
    rcpt = rcpts[0]
    counts[rcpt] = counts.get(rcpt, 0) + 1
    msg = email.message_from_string(m["data"], policy=email.policy.default)
    named = {x.lower() for x in addr_re.findall(m["data"])} & set(subs)
    if named - {rcpt}:
        problems.append("message to %s names %s" % (rcpt, sorted(named - {rcpt})[:3]))
    to = msg.get_all("To") or []
    if len(to) != 1 or to[0].addresses[0].addr_spec.lower() != rcpt:
        problems.append("message to %s has To: %s" % (rcpt, to))
    lu = str(msg.get("List-Unsubscribe", ""))
    if not re.match(r"<mailto:[^>]+\?subject=unsubscribe>, *<https://[^>]+/list/unsubscribe/m%d-[0-9a-f]+>$"
                    % subs[rcpt], lu):
        problems.append("message to %s: List-Unsubscribe %r" % (rcpt, lu))
    want = {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "Precedence": "bulk",
            "Auto-Submitted": "auto-generated"}
    for k, v in want.items():
        if str(msg.get(k, "")) != v:
            problems.append("message to %s: %s %r" % (rcpt, k, msg.get(k)))
    if not str(msg.get("List-Id", "")).endswith("<%s>" % list_address.replace("@", ".")):
        problems.append("message to %s: List-Id %r" % (rcpt, msg.get("List-Id")))
    if not re.match(r"bounces\+d\d+-[0-9a-f]+@", m["mail_from"]):
        problems.append("message to %s: return path %r" % (rcpt, m["mail_from"]))
    mid = str(msg.get("Message-ID", ""))
    if msgids.setdefault(mid, rcpt) != rcpt:
        problems.append("Message-ID %s to %s and %s" % (mid, msgids[mid], rcpt))
    if len(problems) > 20:
        break

wanted = {s for s in subs if not a.only_domain or s.endswith("@" + a.only_domain)}
missing = sorted(wanted - set(counts))
dups = sum(c - 1 for c in counts.values())
summary = {"subscribers": len(wanted), "received": len(counts), "missing": len(missing),
           "duplicates": dups, "problems": problems[:10]}
print(json.dumps(summary))
ok = not missing and not problems and dups <= a.max_duplicates
sys.exit(0 if ok else 1)
