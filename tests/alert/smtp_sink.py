#!/usr/bin/python3
"""SMTP sink for the mailer and alerter tests (aiosmtpd, Debian python3-aiosmtpd).

Listens on 127.0.0.1 on a free port and prints "ready PORT" once it accepts
connections, so the test waits for that line instead of sleeping. Each
message received is printed as one line "message {json}" with the envelope,
the headers decoded by Python's own email parser (an independent check that
what we send is a well-formed RFC 5322 message), the body, the parser's
defects, the raw text, and whether TLS and AUTH were used.

  --auth USER:PASSWORD   require AUTH (PLAIN/LOGIN) with these credentials
  --tls CERT KEY         offer STARTTLS with this certificate and require it
  --stall-data           take the message, print "stalled data", never answer it
  --stall-quit           answer the message, then never answer QUIT

Exits when its stdin closes (the test ends or dies).
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys
import threading
import warnings

warnings.filterwarnings("ignore")  # aiosmtpd warns about AUTH without TLS, which the plain AUTH test wants

from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, stall_data=False, stall_quit=False):
        self.stall_data = stall_data
        self.stall_quit = stall_quit

    async def handle_QUIT(self, server, session, envelope):
        if self.stall_quit:
            print("stalled quit", flush=True)
            await asyncio.sleep(3600)
        return "221 Bye"

    async def handle_DATA(self, server, session, envelope):
        if self.stall_data:
            print("stalled data", flush=True)
            await asyncio.sleep(3600)
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_content() if not msg.is_multipart() else None
        rec = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "date": str(msg["Date"]),
            "message_id": str(msg["Message-ID"]),
            "mime_version": str(msg["MIME-Version"]),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "body": body,
            "defects": [type(d).__name__ for d in msg.defects],
            "raw": raw.decode("utf-8", "replace"),
            "tls": session.ssl is not None,
            "auth": session.auth_data.decode() if isinstance(session.auth_data, bytes) else None,
        }
        print("message " + json.dumps(rec), flush=True)
        return "250 OK stored"


def authenticator_for(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        # handled=False: aiosmtpd then answers 535 itself (with the default True it
        # answers nothing and the client hangs).
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    return check


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--auth")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--stall-data", action="store_true")
    ap.add_argument("--stall-quit", action="store_true")
    args = ap.parse_args()

    ctx = None
    if args.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
    auth = None
    if args.auth:
        user, _, password = args.auth.partition(":")
        auth = authenticator_for(user, password)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        return SMTP(Sink(args.stall_data, args.stall_quit), hostname="localhost", loop=loop, tls_context=ctx, require_starttls=ctx is not None,
                    authenticator=auth, auth_required=auth is not None,
                    auth_require_tls=ctx is not None)

    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=0))
    print(f"ready {server.sockets[0].getsockname()[1]}", flush=True)

    def exit_on_eof():
        while sys.stdin.buffer.read(4096):
            pass
        os._exit(0)

    threading.Thread(target=exit_on_eof, daemon=True).start()
    loop.run_forever()


if __name__ == "__main__":
    main()
