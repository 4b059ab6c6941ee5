#!/usr/bin/python3
# campaign-sink.py - a capturing SMTP server for the campaign tests (python3-aiosmtpd), on
# 127.0.0.1 only. Every accepted message is appended to one file as a JSON line
# {"n", "mail_from", "rcpt", "data", "t"} and flushed before the 250 is answered, so a message
# the sender saw accepted is on record even if the sender dies the next instant. One file,
# not one per message: a campaign of thousands stays cheap to check.
#   --tempfail-domain D:SECONDS  answer 451 to RCPTs of domain D for the first SECONDS
#   --reject-local PREFIX        answer 550 to RCPTs whose local part starts with PREFIX
#   --data-delay S               wait S seconds before answering DATA (to kill mid-flight)
import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import time

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, out, tempfail, reject, delay):
        self.out = out
        self.tempfail = tempfail  # {domain: until (monotonic)}
        self.reject = reject
        self.delay = delay
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local, _, domain = address.lower().rpartition("@")
        until = self.tempfail.get(domain)
        if until is not None and time.monotonic() < until:
            self.log_event("451", address)
            return "451 4.7.1 try again later (scripted for %s)" % domain
        if self.reject and local.startswith(self.reject):
            self.log_event("550", address)
            return "550 5.1.1 no such user (scripted)"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    def log_event(self, code, address):
        self.out.write(json.dumps({"event": code, "rcpt": address, "t": time.time()}) + "\n")
        self.out.flush()

    async def handle_DATA(self, server, session, envelope):
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        self.n += 1
        content = envelope.original_content.replace(b"\r\n", b"\n")
        self.out.write(json.dumps({
            "n": self.n, "mail_from": envelope.mail_from, "rcpt": envelope.rcpt_tos,
            "data": content.decode("utf-8", "replace"), "t": time.time()}) + "\n")
        self.out.flush()
        return "250 2.0.0 OK queued as %d" % self.n


async def main(args):
    out = open(args.out, "a")
    start = time.monotonic()
    tempfail = {}
    for spec in args.tempfail_domain or []:
        d, _, secs = spec.rpartition(":")
        tempfail[d.lower()] = start + float(secs)
    handler = Sink(out, tempfail, args.reject_local, args.data_delay)
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(lambda: SMTP(handler, hostname="sink.test"),
                                        host="127.0.0.1", port=args.port)
    port = listener.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    listener.close()
    out.close()


if __name__ == "__main__":
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--tempfail-domain", action="append")
    p.add_argument("--reject-local", default="")
    p.add_argument("--data-delay", type=float, default=0.0)
    try:
        asyncio.run(main(p.parse_args()))
    except KeyboardInterrupt:
        pass
    sys.exit(0)
