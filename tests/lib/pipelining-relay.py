#!/usr/bin/python3
# pipelining-relay.py - an SMTP relay for postdesk's tests that offers PIPELINING (RFC 2920),
# records how each envelope arrived, and can be told to misbehave. Listens on 127.0.0.1 only.
#   --dir DIR          each message as DIR/NNNN.eml (dot-unstuffed, CRLF -> LF) + NNNN.json
#   --port-file FILE   the port it listens on
#   --drop-group N,..  hang up on the Nth envelope (counted from 1 over all sessions) as soon
#                      as its MAIL arrives, before any reply
#   --drop-body N,..   hang up after the Nth message's final ".", before the reply; the message
#                      is kept (a relay that took it and lost the connection before its 250)
#   --reject-rcpt N,.. answer 550 to the RCPT of the Nth envelope
# DIR/stats.json, rewritten after every event: sessions, envelopes, pipelined (envelopes whose
# MAIL, RCPT and DATA came in one read), rsets.
import argparse, json, os, socket, socketserver, threading

ap = argparse.ArgumentParser()
ap.add_argument("--dir", required=True)
ap.add_argument("--port-file", required=True)
ap.add_argument("--drop-group", default="")
ap.add_argument("--drop-body", default="")
ap.add_argument("--reject-rcpt", default="")
args = ap.parse_args()
nums = lambda t: {int(x) for x in t.split(",") if x.strip()}
drop_group, drop_body, reject_rcpt = nums(args.drop_group), nums(args.drop_body), nums(args.reject_rcpt)
lock = threading.Lock()
stats = {"sessions": 0, "envelopes": 0, "pipelined": 0, "rsets": 0, "messages": 0}


def save_stats():
    with open(os.path.join(args.dir, "stats.json.tmp"), "w") as f:
        json.dump(stats, f)
    os.replace(os.path.join(args.dir, "stats.json.tmp"), os.path.join(args.dir, "stats.json"))


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        with lock:
            stats["sessions"] += 1
            session = stats["sessions"]
            save_stats()
        s.sendall(b"220 relay.test ESMTP\r\n")
        buf = b""
        envelope = None  # its number, while a transaction is open
        rcpt_ok = False
        in_data = False
        data = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.rstrip(b"\r")
                if in_data:
                    if line != b".":
                        data.append(line[1:] if line.startswith(b".") else line)
                        continue
                    in_data = False
                    with lock:
                        stats["messages"] += 1
                        n = stats["messages"]
                        base = os.path.join(args.dir, "%04d" % n)
                        with open(base + ".eml", "wb") as f:
                            f.write(b"\n".join(data) + b"\n")
                        with open(base + ".json", "w") as f:
                            json.dump({"session": session, "envelope": envelope}, f)
                        save_stats()
                    data = []
                    if envelope in drop_body:
                        s.close()
                        return
                    envelope = None
                    s.sendall(b"250 2.0.0 queued\r\n")
                    continue
                verb = line[:4].upper()
                if verb in (b"EHLO", b"LHLO"):
                    s.sendall(b"250-relay.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
                elif verb == b"HELO":
                    s.sendall(b"250 relay.test\r\n")
                elif verb == b"MAIL":
                    with lock:
                        stats["envelopes"] += 1
                        envelope = stats["envelopes"]
                        # the rest of the group already here, in the same read?
                        if b"RCPT TO" in buf.upper() and b"DATA\r\n" in buf.upper():
                            stats["pipelined"] += 1
                        save_stats()
                    if envelope in drop_group:
                        s.close()
                        return
                    rcpt_ok = False
                    s.sendall(b"250 2.1.0 ok\r\n")
                elif verb == b"RCPT":
                    if envelope in reject_rcpt:
                        s.sendall(b"550 5.1.1 no such user\r\n")
                    else:
                        rcpt_ok = True
                        s.sendall(b"250 2.1.5 ok\r\n")
                elif verb == b"DATA":
                    if envelope is None or not rcpt_ok:
                        s.sendall(b"554 5.5.1 no valid recipients\r\n")
                    else:
                        in_data = True
                        s.sendall(b"354 go ahead\r\n")
                elif verb == b"RSET":
                    with lock:
                        stats["rsets"] += 1
                        save_stats()
                    envelope = None
                    s.sendall(b"250 2.0.0 ok\r\n")
                elif verb == b"QUIT":
                    s.sendall(b"221 2.0.0 bye\r\n")
                    return
                else:
                    s.sendall(b"250 ok\r\n")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", 0), Handler)
save_stats()
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.replace(args.port_file + ".tmp", args.port_file)
srv.serve_forever()
