#!/usr/bin/python3
"""imap-relay.py: a TCP relay on 127.0.0.1 for the IMAP e2e tests, to break a connection at a
chosen point of a fetch (the bytes are relayed as they are, TLS included).

  imap-relay.py --port-file F --target PORT --cut-after N --gate FILE --mark FILE
      the first connection that has carried N bytes from the server is closed on both sides
      (MARK written); after that, new connections are closed at once until GATE exists.
  imap-relay.py --port-file F --target PORT --stall-after N --mark PREFIX --resume PREFIX
      connection number K (from 1) that has carried N bytes from the server stops relaying
      them (PREFIX.K of --mark written) until the file PREFIX.K of --resume exists.
"""
import argparse
import os
import socket
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--target", type=int, required=True)
ap.add_argument("--cut-after", type=int)
ap.add_argument("--gate")
ap.add_argument("--stall-after", type=int)
ap.add_argument("--resume")
ap.add_argument("--mark", required=True)
args = ap.parse_args()

cut = threading.Event()
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(16)
with open(args.port_file + ".tmp", "w") as f:
    f.write("%d\n" % srv.getsockname()[1])
os.rename(args.port_file + ".tmp", args.port_file)


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def mark(path, n):
    with open(path + ".tmp", "w") as f:
        f.write("%d\n" % n)
    os.rename(path + ".tmp", path)


def pump(a, b, from_server, number):
    count = 0
    stalled = False
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            if from_server:
                count += len(d)
                if args.cut_after is not None and not cut.is_set() and count > args.cut_after:
                    cut.set()
                    mark(args.mark, count)
                    break
                if args.stall_after is not None and not stalled and count > args.stall_after:
                    stalled = True
                    mark("%s.%d" % (args.mark, number), count)
                    while not os.path.exists("%s.%d" % (args.resume, number)):
                        time.sleep(0.05)
            b.sendall(d)
    except OSError:
        pass
    close(a, b)


number = 0
while True:
    c, _ = srv.accept()
    number += 1
    if cut.is_set() and not os.path.exists(args.gate):
        close(c)
        continue
    u = socket.create_connection(("127.0.0.1", args.target))
    threading.Thread(target=pump, args=(c, u, False, number), daemon=True).start()
    threading.Thread(target=pump, args=(u, c, True, number), daemon=True).start()
