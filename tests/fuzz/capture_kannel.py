#!/usr/bin/env python3
"""Captures the SMPP PDUs Kannel's bearerbox sends, as fuzz seeds.

A minimal SMSC here (bind, submit_sm, enquire_link and unbind answered;
a receipt and an MO sent to Kannel) takes Kannel as its ESME, on free
loopback ports with every file in a temporary folder; smsbox's sendsms
sends plain, Unicode, binary, long, flash and scheduled messages with
receipts asked. Each PDU Kannel sends is written to
tests/fuzz/corpus/smpp_libsmpp34/kannel_<n> and (with a chunking byte in
front) to smpp_codec. Run by hand when Kannel's version changes (Debian
kannel 1.4.5 here); the output is committed:

    python3 tests/fuzz/capture_kannel.py
"""
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
corpus = os.path.join(root, "tests", "fuzz", "corpus")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def daemon(name):
    for d in os.environ.get("PATH", "").split(":") + ["/usr/sbin", "/sbin"]:
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    sys.exit(f"capture_kannel: {name} not found (Debian package kannel)")


captured = []


def pdu(cmd, seq, body=b"", status=0):
    return struct.pack(">IIII", 16 + len(body), cmd, status, seq) + body


def tlv(tag, value):
    return struct.pack(">HH", tag, len(value)) + value


def smsc(listener):
    conn, _ = listener.accept()
    conn.settimeout(30)
    buf, seq, told = b"", 1000, False
    while True:
        try:
            data = conn.recv(65536)
        except (socket.timeout, OSError):
            return
        if not data:
            return
        buf += data
        while len(buf) >= 16:
            (length,) = struct.unpack(">I", buf[:4])
            if len(buf) < length:
                break
            frame, buf = buf[:length], buf[length:]
            captured.append(frame)
            cmd, _, s = struct.unpack(">III", frame[4:16])
            if cmd in (0x1, 0x2, 0x9):
                conn.sendall(pdu(cmd | 0x80000000, s, b"sim\0"))
            elif cmd == 0x4:
                conn.sendall(pdu(0x80000004, s, b"k%04d\0" % s))
                if not told:  # a receipt for the first, and an MO
                    told = True
                    text = b"id:k%04d sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:DELIVRD err:000 text:x" % s
                    body = b"\0\1\1" + b"4477009001\0" + b"\1\1" + b"12345\0" + b"\x04\0\0\0\0\0\0\0\0" + bytes([len(text)]) + text
                    body += tlv(0x001E, b"k%04d\0" % s) + tlv(0x0427, b"\2")
                    seq += 1
                    conn.sendall(pdu(0x5, seq, body))
                    mo = b"STOP please"
                    seq += 1
                    conn.sendall(pdu(0x5, seq, b"\0\1\1" + b"4477009002\0" + b"\1\1" + b"12345\0" + b"\0\0\0\0\0\0\0\0\0" + bytes([len(mo)]) + mo))
            elif cmd == 0x15:
                conn.sendall(pdu(0x80000015, s))
            elif cmd == 0x6:
                conn.sendall(pdu(0x80000006, s))
                return


def main():
    tmp = tempfile.mkdtemp(prefix="twinsms-kannel-capture.")
    os.makedirs(os.path.join(tmp, "store"))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    ports = {k: free_port() for k in ("ADMIN_PORT", "SMSBOX_PORT", "SENDSMS_PORT", "WEB")}
    conf = open(os.path.join(root, "tools", "interop", "kannel", "kannel.conf.in")).read()
    values = {"DIR": tmp, "ADMIN_PASSWORD": "adminpw", "GATEWAY_PORT": str(listener.getsockname()[1]),
              "SYSTEM_ID": "kannel", "PASSWORD": "kannelpw", "SENDSMS_USER": "tester", "SENDSMS_PASSWORD": "testpw",
              "MO_URL": f"http://127.0.0.1:{ports['WEB']}/mo?text=%a", **{k: str(v) for k, v in ports.items()}}
    for k, v in values.items():
        conf = conf.replace(f"@{k}@", v)
    conf = conf.replace("max-messages = 1\nconcatenation = false", "max-messages = 5\nconcatenation = true")
    path = os.path.join(tmp, "kannel.conf")
    open(path, "w").write(conf)
    server = threading.Thread(target=smsc, args=(listener,), daemon=True)
    server.start()
    procs = [subprocess.Popen([daemon("bearerbox"), "-v", "4", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        time.sleep(1.5)  # bearerbox binds; smsbox then connects to it
        procs.append(subprocess.Popen([daemon("smsbox"), "-v", "4", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{ports['SENDSMS_PORT']}/cgi-bin/sendsms?username=tester&password=testpw"
        sends = [
            {"from": "Shop", "to": "+447700900123", "text": "Hello from Kannel", "dlr-mask": "31",
             "dlr-url": "http://127.0.0.1:1/dlr?s=%d"},
            {"from": "447700900999", "to": "447700900124", "text": "Привет €", "coding": "2", "charset": "UTF-8"},
            {"from": "12345", "to": "447700900125", "text": b"\x01\x02\xff", "coding": "1", "udh": b"\x06\x05\x04\x0b\x84\x23\xf0"},
            {"from": "Shop", "to": "447700900126", "text": "x" * 300},
            {"from": "Shop", "to": "447700900127", "text": "flash", "mclass": "0", "validity": "60", "priority": "1"},
            {"from": "Shop", "to": "447700900128", "text": "later", "deferred": "5", "pid": "65", "alt-dcs": "1"},
        ]
        deadline = time.time() + 20
        for q in sends:
            while True:
                try:
                    urllib.request.urlopen(base + "&" + urllib.parse.urlencode(q), timeout=5).read()
                    break
                except urllib.error.HTTPError as e:  # Kannel refused this one: say so, go on
                    print(f"sendsms {q}: {e.code} {e.read().decode(errors='replace')}")
                    break
                except Exception:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.5)
        time.sleep(8)  # deferred one, receipts, an enquire_link
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        server.join(5)
        shutil.rmtree(tmp, ignore_errors=True)
    for i, frame in enumerate(captured):
        for d, prefix in (("smpp_libsmpp34", b""), ("smpp_codec", bytes([i % 64]))):
            os.makedirs(os.path.join(corpus, d), exist_ok=True)
            open(os.path.join(corpus, d, f"kannel_{i:02d}"), "wb").write(prefix + frame)
    print(f"{len(captured)} PDUs from Kannel:", ", ".join(hex(struct.unpack('>I', f[4:8])[0]) for f in captured))
    return 0 if captured else 1


if __name__ == "__main__":
    sys.exit(main())
