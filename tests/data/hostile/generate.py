#!/usr/bin/python3
# generate.py - the hostile messages of issue 8's probes. Small ones are kept in this folder
# (each read by tests/unit/test-hostile.c); big ones are written on demand into DIR:
#   generate.py small DIR   the small set (what is committed here)
#   generate.py big DIR     also: 20,000 quote/reply lines, a bounce line of 20,000
#                           addresses, a 30 MB line, 49 MB of short lines, 60 MB, 200 MB
#   generate.py one DIR NAME...   only the named big ones (size-60m, size-200m,
#                           short-lines-49m), for tests/e2e/235-hostile-size.sh
import os
import sys

HEAD = ("From: Customer <customer@example.org>\nTo: support@example.com\n"
        "Subject: {subject}\nMessage-ID: <{name}@example.org>\n"
        "Date: Tue, 1 Feb 2022 11:00:00 +0100\nContent-Type: text/plain; charset=utf-8\n\n")


def write(d, name, body, head=None):
    with open(os.path.join(d, name + ".eml"), "wb") as f:
        f.write((head or HEAD.format(subject=name, name=name)).encode())
        if isinstance(body, str):
            body = body.encode()
        f.write(body)


def write_repeated(d, name, line, size):
    with open(os.path.join(d, name + ".eml"), "wb") as f:
        f.write(HEAD.format(subject=name, name=name).encode())
        chunk = line * max(1, (1 << 20) // len(line))
        n = 0
        while n + len(chunk) <= size:
            f.write(chunk)
            n += len(chunk)
        f.write(line * ((size - n) // len(line)))


def small(d):
    write(d, "colons-80k", ("1:" * 39 + "1\n") * 1050)
    write(d, "header-lines-20k", "Hello,\n\n" + "To: a\n" * 20000)
    write(d, "nul-byte", b"before the NUL\x00after the NUL\n",
          head="From: Customer <customer@example.org>\nTo: support@example.com\n"
               "Subject: left\x00right\nMessage-ID: <nul-byte@example.org>\n\n")
    write(d, "colon-in-encoded-word", "Hello\n",
          head="From: =?utf-8?q?Evil:_group?= <customer@example.org>\n"
               "To: support@example.com\nSubject: colon\n"
               "Message-ID: <colon-in-encoded-word@example.org>\n\n")


def big(d):
    write(d, "quote-alternating-20k",
          "On Tue, 1 Feb 2022 at 10:00, Support <support@example.com> wrote:\n"
          + "".join("> question %d\nanswer %d\n" % (i, i) for i in range(20000)))
    write(d, "bounce-20k-addresses",
          "I'm sorry to have to inform you that your message could not\n"
          "be delivered to one or more recipients.\n\n"
          + "".join("<user%d@example.org> " % i for i in range(20000))
          + ": host mx.example.org said: 550 5.1.1 User unknown\n",
          head="From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
               "To: support@example.com\nSubject: Undelivered Mail Returned to Sender\n"
               "Message-ID: <bounce-20k@mx.example.net>\n\n")
    write_repeated(d, "single-line-30m", b"On 1 wrote: 1:1 <a@b> ----- 1:1 1:1 ", 30 << 20)
    with open(os.path.join(d, "single-line-30m.eml"), "ab") as f:
        f.write(b"\n")
    write_repeated(d, "short-lines-49m", b"> a\nb:\n1 c\n", 49 << 20)
    write_repeated(d, "size-60m", b"a line of a big message, over the size limit\n", 60 << 20)
    write_repeated(d, "size-200m", b"a line of a big message, far over the size limit\n",
                   200 * 1000 * 1000)


def size_only(name, line, size):
    return lambda d: write_repeated(d, name, line, size)


NAMED = {
    "size-60m": size_only("size-60m", b"a line of a big message, over the size limit\n", 60 << 20),
    "size-200m": size_only("size-200m", b"a line of a big message, far over the size limit\n",
                           200 * 1000 * 1000),
    "short-lines-49m": size_only("short-lines-49m", b"> a\nb:\n1 c\n", 49 << 20),
}

if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: generate.py small|big DIR  or  generate.py one DIR NAME...")
    os.makedirs(sys.argv[2], exist_ok=True)
    if sys.argv[1] == "one":
        for name in sys.argv[3:]:
            NAMED[name](sys.argv[2])
    elif sys.argv[1] in ("small", "big"):
        small(sys.argv[2])
        if sys.argv[1] == "big":
            big(sys.argv[2])
    else:
        sys.exit("usage: generate.py small|big DIR  or  generate.py one DIR NAME...")
