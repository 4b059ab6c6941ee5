#!/usr/bin/python3
# dkim-verify-many.py PUBLIC_KEY_PEM SELECTOR DOMAIN FILE|DIR... - dkim-verify.py for many
# messages in one process (a 5,000-copy campaign would take 5,000 interpreters): each FILE's
# (every file under DIR) DKIM-Signature is verified with python3-dkim (independent of libopendkim), the key lookup of
# SELECTOR._domainkey.DOMAIN answered from PUBLIC_KEY_PEM instead of DNS. Prints one line
# "files N verified V lists L" (L: signatures whose h= covers List-Unsubscribe and
# List-Unsubscribe-Post) and the names of the first failures on stderr; exits 1 unless every
# file verifies.
import os
import re
import sys

import dkim

key_path, selector, domain = sys.argv[1:4]
files = []
for arg in sys.argv[4:]:
    if os.path.isdir(arg):
        for top, _, names in os.walk(arg):
            files.extend(os.path.join(top, n) for n in sorted(names))
    else:
        files.append(arg)
with open(key_path) as f:
    pem = f.read()
b64 = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))
record = ("v=DKIM1; k=rsa; p=" + b64).encode()
want = ("%s._domainkey.%s." % (selector, domain)).encode()


def dnsfunc(name, timeout=5):
    if name.rstrip(b".") + b"." == want:
        return record
    return None


verified = lists = failed = 0
for path in files:
    with open(path, "rb") as f:
        msg = f.read()
    try:
        ok = dkim.DKIM(msg).verify(dnsfunc=dnsfunc)
    except dkim.DKIMException as e:
        print("%s: dkim: %s" % (path, e), file=sys.stderr)
        ok = False
    if not ok:
        failed += 1
        if failed <= 5:
            print("%s: does not verify" % path, file=sys.stderr)
        continue
    verified += 1
    sig = re.search(rb"^DKIM-Signature:(.*?)\r?\n(?![ \t])", msg, re.S | re.M | re.I)
    m = re.search(rb"\bh=([^;]*)", re.sub(rb"\s+", b"", sig.group(1))) if sig else None
    h = m.group(1).decode().lower().split(":") if m else []
    if "list-unsubscribe" in h and "list-unsubscribe-post" in h:
        lists += 1
print("files %d verified %d lists %d" % (len(files), verified, lists))
sys.exit(0 if files and verified == len(files) else 1)
