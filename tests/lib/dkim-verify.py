#!/usr/bin/python3
# dkim-verify.py MESSAGE PUBLIC_KEY_PEM SELECTOR DOMAIN - verify MESSAGE's DKIM-Signature with
# python3-dkim (an implementation independent of libopendkim), answering the key lookup of
# SELECTOR._domainkey.DOMAIN from PUBLIC_KEY_PEM instead of DNS. Prints the signed header
# names (h=) on success; exits 1 when the signature does not verify.
import base64
import re
import sys

import dkim

msg_path, key_path, selector, domain = sys.argv[1:5]
with open(msg_path, "rb") as f:
    msg = f.read()
with open(key_path) as f:
    pem = f.read()
b64 = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))
record = ("v=DKIM1; k=rsa; p=" + b64).encode()
want = ("%s._domainkey.%s." % (selector, domain)).encode()


def dnsfunc(name, timeout=5):
    if name.rstrip(b".") + b"." == want:
        return record
    return None


d = dkim.DKIM(msg)
try:
    ok = d.verify(dnsfunc=dnsfunc)
except dkim.DKIMException as e:
    print("dkim: %s" % e, file=sys.stderr)
    ok = False
sig = re.search(rb"^DKIM-Signature:(.*?)\r?\n(?![ \t])", msg, re.S | re.M | re.I)
h = b""
if sig:
    m = re.search(rb"\bh=([^;]*)", re.sub(rb"\s+", b"", sig.group(1)))
    h = m.group(1) if m else b""
print(h.decode().lower())
sys.exit(0 if ok else 1)
