#!/usr/bin/python3
# pipeline-sink.py - a strict, scripted SMTP server for the pipelining tests, on 127.0.0.1
# only. It reads what the client sends into a buffer and answers command by command, so it
# sees what a client sent ahead of the replies:
#   - with PIPELINING advertised (the default), content sent before the 354 (DATA not last in
#     its group) is a violation; a MAIL that arrives together with the previous message's "."
#     is counted as cross-message pipelining ("cross");
#   - with --no-pipelining, anything sent before the reply to the previous command is a
#     violation (the client must go in lock-step).
# Like Postfix: a MAIL inside an open transaction gets 503 (a "nested" event: the client forgot
# its RSET), RCPT without MAIL 503, DATA without an accepted RCPT 503/554.
# Each accepted message is appended to --out as campaign-sink.py writes it (a JSON line
# {"n", "mail_from", "rcpt", "data", "t"}, flushed before its 250 goes out), so
# campaign-check.py reads it; events are lines {"event": ...}.
#   --reject-local PREFIX       550 to RCPTs whose local part starts with PREFIX
#   --tempfail-domain D:SECONDS 451 to RCPTs of domain D for the first SECONDS
#   --dot-delay S               wait S seconds before answering each "." (a slow relay)
#   --tempfail-mail-every N     451 to every Nth MAIL (counted over all connections)
#   --drop-at-dot-every N       the Nth "." gets no reply: the connection is closed (the
#                               message is not accepted)
#   --drop-after-dot-every N    the Nth "." gets its 250, then the connection is closed before
#                               anything the client pipelined after it is answered
#   --421-at-mail-every N       421 to the Nth MAIL, then the connection is closed
import argparse
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time

lock = threading.Lock()
counters = {"mail": 0, "dot": 0, "n": 0}
args = None
out = None
tempfail = {}  # domain: until (monotonic)


def bump(name):
    with lock:
        counters[name] += 1
        return counters[name]


def event(name, **kw):
    kw["event"] = name
    kw["t"] = time.time()
    with lock:
        out.write(json.dumps(kw) + "\n")
        out.flush()


def every(n, count):
    return n > 0 and count % n == 0


class Closed(Exception):
    pass


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.buf = b""
        self.request.settimeout(60)
        # each reply is its own small write: without this, Nagle holds the second reply of
        # a group until the client's delayed ACK (40 ms a group)
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def fill(self):
        data = self.request.recv(65536)
        if not data:
            raise Closed()
        self.buf += data

    def line(self):
        while b"\n" not in self.buf:
            self.fill()
        i = self.buf.index(b"\n")
        ln, self.buf = self.buf[:i + 1], self.buf[i + 1:]
        return ln.rstrip(b"\r\n").decode("utf-8", "replace")

    def reply(self, text):
        self.request.sendall((text + "\r\n").encode())

    def hang_up(self):
        # FIN, not RST: what was answered before reaches the client; the rest is read and
        # thrown away until the client closes
        try:
            self.request.shutdown(socket.SHUT_WR)
            while self.request.recv(65536):
                pass
        except OSError:
            pass
        raise Closed()

    def handle(self):
        try:
            self.session()
        except (Closed, OSError):
            pass

    def session(self):
        self.reply("220 pipeline-sink.test ESMTP")
        mail_from, rcpts = None, []
        while True:
            cmd = self.line()
            verb = cmd[:4].upper()
            if args.no_pipelining and self.buf and verb != "QUIT":
                event("violation", why="sent ahead of the reply to " + cmd[:12])
            if verb == "EHLO":
                ext = ["250-pipeline-sink.test", "250-8BITMIME"]
                if not args.no_pipelining:
                    ext.append("250-PIPELINING")
                self.reply("\r\n".join(ext + ["250 SIZE 10240000"]))
            elif verb == "HELO":
                self.reply("250 pipeline-sink.test")
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            elif verb == "MAIL":
                if mail_from is not None:
                    event("nested")
                    self.reply("503 5.5.1 Error: nested MAIL command")
                    continue
                count = bump("mail")
                if every(args.mail421_every, count):
                    event("421")
                    self.reply("421 4.3.2 pipeline-sink.test closing (scripted)")
                    self.hang_up()
                if every(args.tempfail_mail_every, count):
                    event("mail451")
                    self.reply("451 4.3.0 try again later (scripted MAIL)")
                    continue
                mail_from = cmd.split(":", 1)[1].strip().strip("<>")
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                if mail_from is None:
                    self.reply("503 5.5.1 Error: need MAIL command")
                    continue
                addr = cmd.split(":", 1)[1].strip().strip("<>")
                local, _, domain = addr.lower().rpartition("@")
                until = tempfail.get(domain)
                if until is not None and time.monotonic() < until:
                    event("451", rcpt=addr)
                    self.reply("451 4.7.1 try again later (scripted for %s)" % domain)
                    continue
                if args.reject_local and local.startswith(args.reject_local):
                    event("550", rcpt=addr)
                    self.reply("550 5.1.1 <%s>: no such user (scripted)" % addr)
                    continue
                rcpts.append(addr)
                self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                if not args.no_pipelining and self.buf:
                    event("violation", why="content before the 354")
                if mail_from is None:
                    self.reply("503 5.5.1 Error: need RCPT command")
                    continue
                if not rcpts:
                    self.reply("554 5.5.1 Error: no valid recipients")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.content(mail_from, rcpts)
                mail_from, rcpts = None, []
            else:
                self.reply("502 5.5.2 Error: command not recognized")

    def content(self, mail_from, rcpts):
        lines = []
        while True:
            ln = self.line()
            if ln == ".":
                break
            lines.append(ln[1:] if ln.startswith(".") else ln)
        if args.dot_delay > 0:
            time.sleep(args.dot_delay)
        count = bump("dot")
        if self.buf.upper().startswith(b"MAIL"):
            event("cross")
        if every(args.drop_at_dot_every, count):
            event("drop-at-dot", rcpt=rcpts)
            self.hang_up()
        with lock:
            counters["n"] += 1
            out.write(json.dumps({"n": counters["n"], "mail_from": mail_from, "rcpt": rcpts,
                                  "data": "\n".join(lines) + "\n", "t": time.time()}) + "\n")
            out.flush()
        self.reply("250 2.0.0 Ok: queued as %d" % count)
        if every(args.drop_after_dot_every, count):
            event("drop-after-dot", rcpt=rcpts)
            self.hang_up()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global args, out
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--no-pipelining", action="store_true")
    p.add_argument("--reject-local", default="")
    p.add_argument("--tempfail-domain", action="append")
    p.add_argument("--dot-delay", type=float, default=0.0)
    p.add_argument("--tempfail-mail-every", type=int, default=0)
    p.add_argument("--drop-at-dot-every", type=int, default=0)
    p.add_argument("--drop-after-dot-every", type=int, default=0)
    p.add_argument("--421-at-mail-every", dest="mail421_every", type=int, default=0)
    args = p.parse_args()
    out = open(args.out, "a")
    for spec in args.tempfail_domain or []:
        d, _, secs = spec.rpartition(":")
        tempfail[d.lower()] = time.monotonic() + float(secs)
    server = Server(("127.0.0.1", args.port), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
