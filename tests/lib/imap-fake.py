#!/usr/bin/python3
"""imap-fake.py: a scripted IMAP server on 127.0.0.1 (no TLS, no IDLE) for what a real server
does not do on request. Each user's INBOX holds one message (UID 1, UIDVALIDITY 7), the file
DIR/USER.eml; the user name picks the server's behaviour:

  pieces  answers partial fetches (BODY.PEEK[]<offset.length>) as RFC 3501 says
  whole   ignores the range: every body fetch gets the whole message as BODY[]
  lie     announces RFC822.SIZE 1000 whatever the message's size
  vanish  the message is expunged by "another client" after the first piece

Written for the test: DIR/USER.requests, one line per body fetch (the range asked for, or
"all"); DIR/USER.seen once \\Seen is stored. Any password is accepted.

  imap-fake.py --dir DIR --port-file FILE
"""
import argparse
import os
import re
import socket
import threading

ap = argparse.ArgumentParser()
ap.add_argument("--dir", required=True)
ap.add_argument("--port-file", required=True)
args = ap.parse_args()

lock = threading.Lock()
gone = set()  # users whose message has vanished


def note(user, name, line):
    with lock:
        with open(os.path.join(args.dir, "%s.%s" % (user, name)), "a") as f:
            f.write(line + "\n")


def serve(conn):
    f = conn.makefile("rb")
    out = conn.makefile("wb")
    user = None

    def send(data):
        out.write(data)
        out.flush()

    send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n")
    while True:
        line = f.readline()
        if not line:
            break
        parts = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
        tag, cmd = parts[0], parts[1].upper() if len(parts) > 1 else ""
        rest = parts[2] if len(parts) > 2 else ""
        if cmd == "UID":
            sub, _, rest = rest.partition(" ")
            cmd = "UID " + sub.upper()
        if cmd == "CAPABILITY":
            send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n%s OK done\r\n" % tag.encode())
        elif cmd == "LOGIN":
            user = rest.split(" ")[0].strip('"')
            send(b"%s OK logged in\r\n" % tag.encode())
        elif cmd == "SELECT":
            n = 0 if user in gone else 1
            send(b"* %d EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen \\Deleted)\r\n"
                 b"* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n"
                 b"%s OK [READ-WRITE] selected\r\n" % (n, tag.encode()))
        elif cmd == "UID FETCH":
            raw = open(os.path.join(args.dir, user + ".eml"), "rb").read()
            body = re.search(r"BODY\.PEEK\[\](?:<(\d+)\.(\d+)>)?", rest, re.I)
            if body is not None:
                note(user, "requests", "%s.%s" % (body.group(1), body.group(2))
                     if body.group(1) is not None else "all")
            if user in gone:
                pass
            elif body is None:
                size = 1000 if user == "lie" else len(raw)
                send(b"* 1 FETCH (UID 1 RFC822.SIZE %d)\r\n" % size)
            else:
                ranged = body.group(1) is not None and user != "whole"
                if ranged:
                    off, length = int(body.group(1)), int(body.group(2))
                    piece = raw[off:off + length]
                    send(b"* 1 FETCH (UID 1 BODY[]<%d> {%d}\r\n" % (off, len(piece)) + piece + b")\r\n")
                else:
                    send(b"* 1 FETCH (UID 1 BODY[] {%d}\r\n" % len(raw) + raw + b")\r\n")
                if user == "vanish":
                    gone.add(user)
            send(b"%s OK done\r\n" % tag.encode())
        elif cmd == "UID STORE":
            if "\\SEEN" in rest.upper():
                note(user, "seen", rest)
            send(b"%s OK stored\r\n" % tag.encode())
        elif cmd == "LOGOUT":
            send(b"* BYE bye\r\n%s OK done\r\n" % tag.encode())
            break
        else:  # NOOP and anything else
            send(b"%s OK done\r\n" % tag.encode())
    conn.close()


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(16)
with open(args.port_file + ".tmp", "w") as pf:
    pf.write("%d\n" % srv.getsockname()[1])
os.rename(args.port_file + ".tmp", args.port_file)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
