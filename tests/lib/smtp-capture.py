#!/usr/bin/python3
# smtp-capture.py - a capture SMTP server for postdesk's tests (Debian's python3-aiosmtpd).
# Listens on 127.0.0.1 only and stores each accepted message as DIR/NNNN.eml (bytes as
# received, dot-unstuffed, CRLF -> LF) plus DIR/NNNN.json (envelope, peer, session number).
# It relays nothing. Replies to RCPT and DATA can be scripted to inject 4xx/5xx.
import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_codes(text):
    return [c.strip() for c in text.split(",") if c.strip()] if text else []


def reply(code):
    """'451' -> '451 4.0.0 scripted reply 451'; a full reply text is kept as given."""
    if " " in code:
        return code
    cls = code[0]
    return f"{code} {cls}.0.0 scripted reply {code}"


class Capture:
    def __init__(self, directory, data_codes, rcpt_codes, data_delay=0.0):
        self.directory = directory
        self.data_delay = data_delay  # seconds before answering each DATA (a slow relay)
        self.data_codes = data_codes
        self.rcpt_codes = rcpt_codes
        self.count = 0  # messages stored
        self.datas = 0  # DATA commands seen
        self.rcpts = 0  # RCPT commands seen

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        n = self.rcpts
        self.rcpts += 1
        if n < len(self.rcpt_codes) and not self.rcpt_codes[n].startswith("2"):
            return reply(self.rcpt_codes[n])
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        n = self.datas
        self.datas += 1
        if self.data_delay > 0:
            await asyncio.sleep(self.data_delay)
        if n < len(self.data_codes) and not self.data_codes[n].startswith("2"):
            return reply(self.data_codes[n])
        self.count += 1
        base = os.path.join(self.directory, f"{self.count:04d}")
        content = envelope.original_content.replace(b"\r\n", b"\n")
        meta = {
            "mail_from": "" if envelope.mail_from == "<>" else envelope.mail_from,  # null sender
            "rcpt_tos": envelope.rcpt_tos,
            "peer": list(session.peer) if session.peer else None,
            "session": server.pd_session,
            "helo": session.host_name,
            "auth": session.auth_data.login.decode() if session.auth_data else None,
        }
        # .eml first, .json last: a test that sees the .json sees the whole message.
        for suffix, data in ((".eml", content), (".json", json.dumps(meta).encode() + b"\n")):
            with open(base + suffix + ".tmp", "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.rename(base + suffix + ".tmp", base + suffix)
        return f"250 2.0.0 OK queued as {self.count:04d}"


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode() and auth_data.password == password.encode())
        # handled=False: aiosmtpd then answers 535 itself (with True it would answer nothing).
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticator


def write_file(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text + "\n")
    os.rename(path + ".tmp", path)


async def main(args):
    os.makedirs(args.dir, exist_ok=True)
    handler = Capture(args.dir, parse_codes(args.reply_codes), parse_codes(args.rcpt_code),
                      args.data_delay)
    kwargs = {"hostname": "capture.test", "auth_require_tls": False}
    if args.auth:
        user, _, password = args.auth.partition(":")
        kwargs["authenticator"] = make_authenticator(user, password)
        kwargs["auth_required"] = True
    sessions = 0

    def factory():
        nonlocal sessions
        sessions += 1
        server = SMTP(handler, **kwargs)
        server.pd_session = sessions
        return server

    loop = asyncio.get_running_loop()
    listener = await loop.create_server(factory, host="127.0.0.1", port=args.port)
    port = listener.sockets[0].getsockname()[1]
    if args.pid_file:
        write_file(args.pid_file, str(os.getpid()))
    if args.port_file:  # written last: once it exists, the server accepts connections
        write_file(args.port_file, str(port))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    listener.close()
    await listener.wait_closed()


if __name__ == "__main__":
    # AUTH without TLS is what the tests want; keep aiosmtpd's warnings about it quiet.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    p = argparse.ArgumentParser(description="A capture SMTP server on 127.0.0.1 for tests.")
    p.add_argument("--dir", required=True, help="where NNNN.eml and NNNN.json are written")
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 = any free one")
    p.add_argument("--port-file", help="write the port here once listening")
    p.add_argument("--pid-file", help="write the process id here")
    p.add_argument("--reply-codes", default="",
                   help="comma-separated replies to the 1st, 2nd... DATA; then 250")
    p.add_argument("--rcpt-code", default="",
                   help="comma-separated replies to the 1st, 2nd... RCPT; then 250")
    p.add_argument("--data-delay", type=float, default=0.0,
                   help="seconds to wait before answering each DATA (a slow relay)")
    p.add_argument("--auth", help="USER:PASS; require AUTH PLAIN/LOGIN (no TLS needed)")
    try:
        asyncio.run(main(p.parse_args()))
    except KeyboardInterrupt:
        pass
    sys.exit(0)
