#!/usr/bin/python3
"""SMTP client for the email-to-SMS node test, with Python's own smtplib and
email packages: an SMTP and MIME implementation we did not write.

  smtp_client.py PORT SCENARIO

Each step prints one line "result {json}" with what the server answered
(code, text), then the script exits 0; a step that could not run at all
prints {"error": ...} and the script exits 1. Scenarios (see node_smtp_test.cpp
for the node's profiles):

  features    EHLO: the extensions the server advertises
  plain       a UTF-8 text mail with a signature and a leading-dot line, to two numbers
  multipart   multipart/alternative, text/plain in ISO-8859-1 quoted-printable, RFC 2047 subject
  long        a body of 400 characters (3 SMS) and one of 1000 (cut to max_parts)
  refusals    disallowed sender, other domain, bad number, too many recipients,
              SIZE too big, too big without SIZE, From: header not allowed
  auth        AUTH PLAIN with a wrong and the right password, then a mail
  starttls CA AUTH refused in the clear, STARTTLS (the certificate checked against CA
              for 127.0.0.1), EHLO again, AUTH PLAIN and a mail under TLS
"""
import base64
import ssl
import json
import smtplib
import sys
from email.message import EmailMessage

DOMAIN = "sms.example.com"


def out(step, code, text=b""):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    print("result " + json.dumps({"step": step, "code": code, "text": text}), flush=True)


def connect(port):
    s = smtplib.SMTP("127.0.0.1", port, local_hostname="client.test", timeout=20)
    s.ehlo()
    return s


def mail(s, step, sender, rcpts, message, options=()):
    """One transaction step by step, so that every reply is seen."""
    code, text = s.mail(sender, list(options))
    if code != 250:
        s.rset()
        return out(step, code, text)
    accepted = 0
    for r in rcpts:
        code, text = s.rcpt(r)
        if code == 250:
            accepted += 1
        else:
            out(step + ":rcpt:" + r, code, text)
    if not accepted:
        s.rset()
        return out(step, 503, "no recipient accepted")
    code, text = s.data(message)
    out(step, code, text)


def text_message(sender, subject, body, to=("x@" + DOMAIN,)):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = ", ".join(to)
    m["Subject"] = subject
    m.set_content(body)
    return m.as_bytes()


def features(port):
    s = connect(port)
    out("features", 250, json.dumps(sorted(s.esmtp_features.items())))
    s.quit()


def plain(port):
    s = connect(port)
    body = "db1: 95% used\n.dotline\n-- \nNagios on mon1\n"
    mail(s, "plain", "nagios@example.com", ["6591234567@" + DOMAIN, "+6591234568@SMS.EXAMPLE.COM"],
         text_message("Nagios <nagios@example.com>", "Disk full", body))
    s.quit()


def multipart(port):
    s = connect(port)
    m = EmailMessage()
    m["From"] = "ops@monitor.example.com"
    m["To"] = "6591234567@" + DOMAIN
    m["Subject"] = "Alerte: serveur arrêté"  # not ASCII: Python writes an RFC 2047 word
    m.set_content("Température 45°C\n", charset="iso-8859-1", cte="quoted-printable")
    m.add_alternative("<p>Temp&eacute;rature <b>45&deg;C</b></p>", subtype="html")
    mail(s, "multipart", "ops@monitor.example.com", ["6591234567@" + DOMAIN], m.as_bytes())
    s.quit()


def long(port):
    s = connect(port)
    body = ("0123456789" * 40)  # 400 GSM characters: 3 parts of 153
    mail(s, "long3", "nagios@example.com", ["6591234567@" + DOMAIN], text_message("nagios@example.com", "", body))
    body = ("abcdefghij" * 100)  # 1000: more than max_parts 4 (612)
    mail(s, "long_cut", "nagios@example.com", ["6591234568@" + DOMAIN], text_message("nagios@example.com", "", body))
    s.quit()


def refusals(port):
    s = connect(port)
    ok_msg = text_message("nagios@example.com", "s", "b")
    mail(s, "sender", "stranger@elsewhere.example", ["6591234567@" + DOMAIN], ok_msg)
    mail(s, "recipients", "nagios@example.com",
         ["6591234567@gmail.com", "john@" + DOMAIN, "1@" + DOMAIN, "6591234561@" + DOMAIN, "6591234562@" + DOMAIN,
          "6591234563@" + DOMAIN, "6591234564@" + DOMAIN], ok_msg)
    size = int(s.esmtp_features["size"])
    mail(s, "size_param", "nagios@example.com", ["6591234567@" + DOMAIN], ok_msg, ["SIZE=%d" % (size + 1)])
    big = text_message("nagios@example.com", "big", ("x" * 70 + "\n") * (size // 71 + 2))
    mail(s, "too_big", "nagios@example.com", ["6591234567@" + DOMAIN], big)
    mail(s, "from_header", "nagios@example.com", ["6591234567@" + DOMAIN],
         text_message("Mallory <mallory@evil.example>", "s", "b"))
    code, text = s.noop()
    out("noop", code, text)
    s.quit()


def auth(port):
    s = connect(port)
    try:
        s.login("secure", "wrong")
        out("login_wrong", 235)
    except smtplib.SMTPAuthenticationError as e:
        out("login_wrong", e.smtp_code, e.smtp_error)
    s.quit()
    s = connect(port)
    s.login("secure", "s3cret")  # smtplib picks PLAIN, the one advertised
    out("login", 235)
    mail(s, "auth_mail", "anyone@anywhere.example", ["6591234569@" + DOMAIN],
         text_message("anyone@anywhere.example", "", "authenticated"))
    s.quit()


def starttls(port, cafile):
    s = connect(port)
    out("before", 250, json.dumps(sorted(s.esmtp_features)))
    code, text = s.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0secure\0s3cret").decode())
    out("auth_in_the_clear", code, text)
    code, text = s.starttls(context=ssl.create_default_context(cafile=cafile))
    out("starttls", code, text)
    out("cipher", 250, s.sock.version())
    s.ehlo()
    out("after", 250, json.dumps(sorted(s.esmtp_features)))
    s.login("secure", "s3cret")
    out("login", 235)
    mail(s, "tls_mail", "anyone@anywhere.example", ["6591234569@" + DOMAIN],
         text_message("anyone@anywhere.example", "", "over TLS"))
    s.quit()


def main():
    port, scenario = int(sys.argv[1]), sys.argv[2]
    try:
        globals()[scenario](port, *sys.argv[3:])
    except Exception as e:  # the test prints this
        print("result " + json.dumps({"step": "error", "code": 0, "text": repr(e)}), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
