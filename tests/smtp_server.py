#!/usr/bin/env python3
"""A real SMTP server on loopback for the mail tests (aiosmtpd).

Usage: smtp_server.py --dir DIR [--port N] [--fail-first N] [--fail-code 451] [--reject-rcpt ADDR]...

Writes DIR/port once it listens (the port, then a newline), and for every accepted message
DIR/NNNN.eml (the data as received) and DIR/NNNN.json (envelope sender, recipients, the
Message-ID). The first N DATA commands are answered with --fail-code (451: try again later;
550: rejected), then the server accepts. Recipients listed with --reject-rcpt get 550 at RCPT.
Ends on SIGTERM.

`--parse FILE` instead prints a JSON summary of one .eml parsed with Python's email package
(the real MIME parser the tests check against): headers decoded, the text and HTML bodies.
"""
import argparse
import asyncio
import email
import email.header
import email.policy
import email.utils
import json
import os
import signal
import sys


def parse(path):
    with open(path, "rb") as f:
        raw = f.read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    strict = email.message_from_bytes(raw, policy=email.policy.strict)
    result = {
        "defects": [str(d) for d in message.defects] + [str(d) for part in message.walk() for d in part.defects],
        "header_names": list(message.keys()),
        "headers": {},
        "raw_headers": raw.split(b"\r\n\r\n", 1)[0].decode("ascii", errors="replace"),
        "max_line": max(len(line) for line in raw.split(b"\r\n")),
        "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
        "non_ascii": any(b > 127 for b in raw),
        "content_type": message.get_content_type(),
    }
    for name in set(message.keys()):
        values = [str(v) for v in message.get_all(name)]
        result["headers"][name.lower()] = values
    # Display names through email.utils and the RFC 2047 decoder (decode_header/make_header):
    # Python 3.11's headerregistry puts a space between adjacent encoded-words in a phrase,
    # which RFC 2047 section 6.2 says to ignore.
    legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
    for key in ("from", "to", "cc"):
        if legacy.get_all(key):
            result[key] = [
                {"name": str(email.header.make_header(email.header.decode_header(name))), "address": address}
                for name, address in email.utils.getaddresses(legacy.get_all(key))
            ]
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    # The canonical CRLF line ends of MIME text, as local text (LF).
    result["text"] = text.get_content().replace("\r\n", "\n") if text is not None else None
    result["html"] = html.get_content().replace("\r\n", "\n") if html is not None else None
    result["text_charset"] = text.get_content_charset() if text is not None else None
    result["strict_subject"] = str(strict["Subject"])
    return result


def serve(args):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    state = {"data": 0, "accepted": 0}

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in args.reject_rcpt:
                return "550 5.1.1 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            state["data"] += 1
            if state["data"] <= args.fail_first:
                return f"{args.fail_code} {'4.3.0 try again later' if args.fail_code < 500 else '5.7.1 rejected'}"
            state["accepted"] += 1
            number = state["accepted"]
            base = os.path.join(args.dir, f"{number:04d}")
            data = envelope.original_content if envelope.original_content is not None else envelope.content
            message = email.message_from_bytes(data, policy=email.policy.default)
            with open(base + ".eml.tmp", "wb") as f:
                f.write(data)
            with open(base + ".json.tmp", "w") as f:
                json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                           "message_id": message.get("Message-ID")}, f)
            os.rename(base + ".json.tmp", base + ".json")
            os.rename(base + ".eml.tmp", base + ".eml")
            return "250 2.0.0 accepted"

    class Controller8(Controller):
        def factory(self):
            return SMTP(self.handler, decode_data=False, enable_SMTPUTF8=True, ident="almanac-test")

    port = args.port
    if port == 0:
        import socket
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    # A loaded machine (a full test run) can take long to start the event loop.
    controller = Controller8(Handler(), hostname="127.0.0.1", port=port, ready_timeout=120)
    controller.start()
    with open(os.path.join(args.dir, "port.tmp"), "w") as f:
        f.write(f"{port}\n")
    os.rename(os.path.join(args.dir, "port.tmp"), os.path.join(args.dir, "port"))
    stop = {"flag": False}

    def on_term(*_):
        stop["flag"] = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    while not stop["flag"]:
        signal.pause() if hasattr(signal, "pause") else None
    controller.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-code", type=int, default=451)
    parser.add_argument("--reject-rcpt", action="append", default=[])
    parser.add_argument("--parse")
    args = parser.parse_args()
    if args.parse:
        json.dump(parse(args.parse), sys.stdout, ensure_ascii=False)
        return
    serve(args)


if __name__ == "__main__":
    main()
