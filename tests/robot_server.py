#!/usr/bin/env python3
"""A local HTTPS server that behaves like the group-robot services, for almanac's tests.

Usage: robot_server.py --dir DIR --cert CERT --key KEY --robots ROBOTS.json
                       [--port N] [--limit 20] [--window 60]

Robots (ROBOTS.json): {"wecom": {"KEY": {}}, "dingtalk": {"TOKEN": {"secret": "SEC…"}},
"feishu": {"HOOK": {"secret": "…"}}, "webhook": {"NAME": {"secret": "…"}}}; a robot without a
secret takes unsigned requests, as the services do when 加签 / signature is off.

Each path and check follows the service:
- 企业微信  POST /cgi-bin/webhook/send?key=KEY: unknown key errcode 93000; msgtype text or
  markdown, content non-empty (44004) and within 2048 / 4096 bytes (45002);
  mentioned_mobile_list only in text.
- 钉钉      POST /robot/send?access_token=TOKEN[&timestamp=MS&sign=…]: unknown token 300001;
  with a secret, the timestamp (ms) must be within an hour of now and sign must equal
  Base64(HMAC-SHA256(secret, "timestamp\\nsecret")), else errcode 310000; msgtype text or markdown.
- 飞书      POST /open-apis/bot/v2/hook/HOOK: unknown hook code 19001; with a secret, the body's
  timestamp (s) within an hour and sign = Base64(HMAC-SHA256 keyed "timestamp\\nsecret" over
  nothing), else 19021; msg_type text (content.text) or interactive (card); a body it cannot read
  is HTTP 400 code 9499.
- webhook   POST /hooks/NAME: X-Almanac-Timestamp within 5 minutes, X-Almanac-Signature =
  sha256=hex(HMAC-SHA256(secret, "timestamp.body")), X-Almanac-Delivery present; else HTTP 401.
- Every robot takes at most --limit messages in any --window seconds (sliding); beyond that it
  answers the service's rate-limit code (45009, 130101, 11232, HTTP 429) and records it.

Records, one JSON object a line: DIR/received.jsonl (accepted: robot, time, headers, body),
DIR/refused.jsonl (robot, time, why, the answer sent). DIR/port holds the port once listening.

Control (test only, no signature): POST /_control with JSON
  {"outage": "503" | "reset" | null}        every robot answers 503, or the connection is cut
  {"fail": {"robot": "wecom:KEY", "count": N, "status": 200, "answer": {...}}}
                                            the robot's next N accepted requests get this answer
Ends on SIGTERM.
"""
import argparse
import base64
import collections
import hashlib
import hmac
import http.server
import json
import os
import signal
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

RATE_CODES = {
    "wecom": (200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
    "dingtalk": (200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}),
    "feishu": (200, {"code": 11232, "msg": "frequency limited", "data": {}}),
    "webhook": (429, {"error": "rate limited"}),
}
OK = {
    "wecom": {"errcode": 0, "errmsg": "ok"},
    "dingtalk": {"errcode": 0, "errmsg": "ok"},
    "feishu": {"code": 0, "msg": "success", "data": {}},
    "webhook": {"ok": True},
}


class State:
    def __init__(self, args):
        self.dir = args.dir
        self.limit = args.limit
        self.window = args.window
        with open(args.robots) as f:
            self.robots = json.load(f)
        self.lock = threading.Lock()
        self.accepted = collections.defaultdict(collections.deque)  # robot -> times in the window
        self.outage = None
        self.failures = {}  # robot -> [count, status, answer]

    def record(self, name, entry):
        with self.lock, open(os.path.join(self.dir, name), "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")


STATE = None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, obj):
        data = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def refuse(self, robot, why, status, obj):
        STATE.record("refused.jsonl", {"robot": robot, "at": time.time(), "why": why, "status": status, "answer": obj})
        self.answer(status, obj)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path == "/_control":
            return self.control(raw)
        if STATE.outage == "reset":
            # A network outage: the connection is cut without an answer.
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if STATE.outage == "503":
            return self.refuse("*", "outage", 503, {"error": "service unavailable"})
        if url.path == "/cgi-bin/webhook/send":
            return self.wecom(query, raw)
        if url.path == "/robot/send":
            return self.dingtalk(query, raw)
        if url.path.startswith("/open-apis/bot/v2/hook/"):
            return self.feishu(url.path.rsplit("/", 1)[1], raw)
        if url.path.startswith("/hooks/"):
            return self.webhook(url.path.split("/", 2)[2], raw)
        self.answer(404, {"error": "no such path"})

    def control(self, raw):
        command = json.loads(raw or b"{}")
        with STATE.lock:
            if "outage" in command:
                STATE.outage = command["outage"]
            if "fail" in command:
                fail = command["fail"]
                STATE.failures[fail["robot"]] = [fail.get("count", 1), fail.get("status", 200), fail["answer"]]
        self.answer(200, {"ok": True})

    def accept(self, service, robot, body):
        """The rate limit and injected failures, then the record. Returns True when accepted."""
        now = time.time()
        with STATE.lock:
            times = STATE.accepted[robot]
            while times and times[0] <= now - STATE.window:
                times.popleft()
            limited = len(times) >= STATE.limit
            injected = None
            if not limited and robot in STATE.failures:
                entry = STATE.failures[robot]
                injected = (entry[1], entry[2])
                entry[0] -= 1
                if entry[0] <= 0:
                    del STATE.failures[robot]
            if not limited and injected is None:
                times.append(now)
        if limited:
            status, obj = RATE_CODES[service]
            self.refuse(robot, "rate limit", status, obj)
            return False
        if injected is not None:
            self.refuse(robot, "injected", injected[0], injected[1])
            return False
        headers = {k: v for k, v in self.headers.items() if k.lower().startswith("x-almanac") or k.lower() == "content-type"}
        STATE.record("received.jsonl", {"robot": robot, "at": now, "headers": headers, "body": body})
        self.answer(200, OK[service])
        return True

    def wecom(self, query, raw):
        key = query.get("key", [""])[0]
        robot = f"wecom:{key}"
        if key not in STATE.robots.get("wecom", {}):
            return self.refuse(robot, "unknown key", 200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [x] from ip: 127.0.0.1"})
        try:
            body = json.loads(raw)
            kind = body["msgtype"]
            content = body[kind]["content"]
        except (ValueError, KeyError, TypeError):
            return self.refuse(robot, "bad body", 200, {"errcode": 40008, "errmsg": "invalid message type"})
        if kind not in ("text", "markdown"):
            return self.refuse(robot, "bad msgtype", 200, {"errcode": 40008, "errmsg": "invalid message type"})
        if not content:
            return self.refuse(robot, "empty", 200, {"errcode": 44004, "errmsg": "empty content"})
        if len(content.encode()) > (2048 if kind == "text" else 4096):
            return self.refuse(robot, "too long", 200, {"errcode": 45002, "errmsg": "content size out of limit"})
        if kind == "markdown" and "mentioned_mobile_list" in body[kind]:
            return self.refuse(robot, "mentions in markdown", 200, {"errcode": 40058, "errmsg": "invalid parameter"})
        self.accept("wecom", robot, body)

    def dingtalk(self, query, raw):
        token = query.get("access_token", [""])[0]
        robot = f"dingtalk:{token}"
        config = STATE.robots.get("dingtalk", {}).get(token)
        if config is None:
            return self.refuse(robot, "unknown token", 200, {"errcode": 300001, "errmsg": "token is not exist"})
        secret = config.get("secret")
        if secret:
            timestamp = query.get("timestamp", [""])[0]
            sign = query.get("sign", [""])[0]
            if not timestamp.isdigit() or abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
                return self.refuse(robot, "timestamp", 200, {"errcode": 310000, "errmsg": "invalid timestamp"})
            expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(sign, expected):
                return self.refuse(robot, "sign", 200, {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"})
        try:
            body = json.loads(raw)
            kind = body["msgtype"]
            content = body["text"]["content"] if kind == "text" else body["markdown"]["text"]
            title = body["markdown"]["title"] if kind == "markdown" else ""
        except (ValueError, KeyError, TypeError):
            return self.refuse(robot, "bad body", 200, {"errcode": 40035, "errmsg": "缺少参数 json"})
        if kind not in ("text", "markdown") or not content or (kind == "markdown" and not title):
            return self.refuse(robot, "bad message", 200, {"errcode": 40035, "errmsg": "缺少参数 json"})
        mobiles = body.get("at", {}).get("atMobiles", [])
        if any(f"@{m}" not in content for m in mobiles):
            return self.refuse(robot, "at mobile not in text", 200, {"errcode": 40035, "errmsg": "at mobiles must appear in the text"})
        self.accept("dingtalk", robot, body)

    def feishu(self, hook, raw):
        robot = f"feishu:{hook}"
        config = STATE.robots.get("feishu", {}).get(hook)
        if config is None:
            return self.refuse(robot, "unknown hook", 200, {"code": 19001, "msg": "param invalid: incoming webhook access token invalid", "data": {}})
        try:
            body = json.loads(raw)
        except ValueError:
            return self.refuse(robot, "bad body", 400, {"code": 9499, "msg": "Bad Request", "data": {}})
        secret = config.get("secret")
        if secret:
            timestamp = str(body.get("timestamp", ""))
            expected = base64.b64encode(hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
            if not timestamp.isdigit() or abs(int(timestamp) - time.time()) > 3600 or not hmac.compare_digest(str(body.get("sign", "")), expected):
                return self.refuse(robot, "sign", 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time", "data": {}})
        kind = body.get("msg_type")
        try:
            if kind == "text":
                ok = bool(body["content"]["text"])
            elif kind == "interactive":
                ok = bool(body["card"]["elements"])
            else:
                ok = False
        except (KeyError, TypeError):
            ok = False
        if not ok or len(raw) > 20 * 1024:
            return self.refuse(robot, "bad message", 400, {"code": 9499, "msg": "Bad Request", "data": {}})
        self.accept("feishu", robot, body)

    def webhook(self, name, raw):
        robot = f"webhook:{name}"
        config = STATE.robots.get("webhook", {}).get(name)
        if config is None:
            return self.refuse(robot, "unknown hook", 404, {"error": "no such hook"})
        timestamp = self.headers.get("X-Almanac-Timestamp", "")
        signature = self.headers.get("X-Almanac-Signature", "")
        delivery = self.headers.get("X-Almanac-Delivery", "")
        expected = "sha256=" + hmac.new(config["secret"].encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
        if not timestamp.isdigit() or abs(int(timestamp) - time.time()) > 300:
            return self.refuse(robot, "timestamp", 401, {"error": "stale or missing timestamp"})
        if not hmac.compare_digest(signature, expected):
            return self.refuse(robot, "signature", 401, {"error": "bad signature"})
        if not delivery:
            return self.refuse(robot, "no delivery id", 400, {"error": "missing X-Almanac-Delivery"})
        try:
            body = json.loads(raw)
        except ValueError:
            return self.refuse(robot, "bad body", 400, {"error": "not JSON"})
        self.accept("webhook", robot, body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global STATE
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--robots", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--window", type=float, default=60)
    args = parser.parse_args()
    STATE = State(args)
    server = Server(("127.0.0.1", args.port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    port_file = os.path.join(args.dir, "port")
    with open(port_file + ".tmp", "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
