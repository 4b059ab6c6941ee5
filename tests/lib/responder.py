#!/usr/bin/python3
# responder.py - a vacation responder for the loop-storm test: it answers every message it is
# given, in one of three styles real responders use, and writes the answer to stdout.
#   rfc3834  Auto-Submitted: auto-replied, to the envelope sender (Return-Path), threaded
#   oof      no automatic-mail headers, "Out of Office:" subject, to From, not threaded
#   re       no automatic-mail headers, "Re: <subject>", to Reply-To or From, not threaded
# Usage: responder.py STYLE MESSAGE-FILE ENVELOPE-JSON ADDRESS
import email
import email.policy
import email.utils
import json
import sys

style, path, env_path, me = sys.argv[1:5]
with open(path, "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
with open(env_path) as f:
    env = json.load(f)

subject = str(msg.get("Subject", ""))
if style == "rfc3834":
    to = env["mail_from"]
    subject = "Auto: " + subject
elif style == "oof":
    to = email.utils.parseaddr(str(msg.get("From")))[1]
    subject = "Out of Office: " + subject
else:
    to = email.utils.parseaddr(str(msg.get("Reply-To") or msg.get("From")))[1]
    subject = "Re: " + subject

out = email.message.EmailMessage()
out["From"] = me
out["To"] = to
out["Subject"] = subject
out["Date"] = email.utils.formatdate()
out["Message-ID"] = email.utils.make_msgid(domain="customer.example")
if style == "rfc3834":
    out["Auto-Submitted"] = "auto-replied"
    if msg.get("Message-ID"):
        out["In-Reply-To"] = str(msg["Message-ID"])
out.set_content("I am away until next week and will read your mail when I am back.\n")
sys.stdout.write(json.dumps({"to": to}) + "\n")
sys.stdout.flush()
sys.stdout.buffer.write(out.as_bytes())
