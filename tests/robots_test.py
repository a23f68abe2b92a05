#!/usr/bin/env python3
"""almanacd's group-robot channels against tests/robot_server.py, a local HTTPS server that
behaves like 企业微信, 钉钉 and 飞书 group robots and a signed webhook: it checks every signature
and timestamp window as the service does, records the payloads, answers with the services' own
error codes on request, and rate-limits each robot. Its certificate comes from a CA this test
makes, pinned in almanac.yaml (`robots.ca_file`).

Usage: tests/robots_test.py                 every test (tests/stage-robots.sh)
       tests/robots_test.py --load [--window SECONDS] [--reminders N] [--units N] [--robots N]
                                            only the load run, with its time and peak memory
"""
import argparse
import collections
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import (ALMANACCTL, ALMANACD, CA, HANG, Daemon, Sandbox, base_config, check, fail, log, main,  # noqa: E402
                         run, today_shanghai, wait_for)

SENT = "a00ad134c29c402089242b5c5e36dcc7"
RETRY = "5305a7321fc04e34979a6fd440b2780a"
FAILED = "71ddea8452bd447eaa801aef155f26b8"
UNUSABLE = "c283cc61f11b4789a8145740abd7892a"
ROBOT_CHANNELS = ("wecom", "dingtalk", "feishu", "webhook")
HERE = os.path.dirname(os.path.abspath(__file__))


class RobotServer:
    """tests/robot_server.py with a certificate from the test CA."""

    def __init__(self, sandbox, ca, robots, limit=20, window=60.0):
        self.dir = sandbox.path("server")
        os.makedirs(self.dir, exist_ok=True)
        cert, key = ca.issue("robot-server")
        self.ca = ca
        with open(os.path.join(self.dir, "robots.json"), "w") as f:
            json.dump(robots, f)
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "robot_server.py"), "--dir", self.dir, "--cert", cert, "--key", key,
             "--robots", os.path.join(self.dir, "robots.json"), "--limit", str(limit), "--window", str(window)],
            stdout=self.log, stderr=self.log, start_new_session=True)
        port_file = os.path.join(self.dir, "port")
        wait_for(lambda: os.path.exists(port_file) or self.process.poll() is not None, "the robot server to listen")
        check(self.process.poll() is None, "the robot server exited")
        with open(port_file) as f:
            self.port = int(f.read())
        self.base = f"https://127.0.0.1:{self.port}"
        self.context = ssl.create_default_context(cafile=ca.cert)

    def control(self, command):
        request = urllib.request.Request(self.base + "/_control", data=json.dumps(command).encode(), method="POST")
        with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
            check(response.status == 200, f"control {command}: {response.status}")

    def records(self, name="received"):
        path = os.path.join(self.dir, f"{name}.jsonl")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=HANG)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def text_of(body):
    """The visible text of a recorded payload, whatever the service."""
    if "msgtype" in body:
        kind = body["msgtype"]
        part = body[kind]
        return part.get("content") or part.get("text") or ""
    if "msg_type" in body:
        if body["msg_type"] == "interactive":
            return "\n".join(e.get("content", "") for e in body["card"]["elements"])
        return body["content"]["text"]
    if body.get("kind") == "batch":
        return "\n".join(e.get("text", "") for e in body.get("events", []))
    return body.get("text", "")


def webhook_deliveries(body):
    if body.get("kind") == "batch":
        return [e["delivery"] for e in body["events"]]
    return [body["delivery"]]


def config(server, extra="", window="60s", limit=20):
    return base_config(f"""mail:
  transport: outbox
  from: almanac@example.org
robots:
  ca_file: {server.ca.cert}
  rate_limit: {limit}
  rate_window: {window}
  connect_timeout: 20s
  timeout: 60s
  retry: {{initial: 1s, maximum: 2s, max_attempts: 200}}
{extra}""")


def secret(sandbox, name, value, mode=0o600):
    return sandbox.write(f"secrets/{name}", value + "\n", mode=mode)


def robot_rows(daemon):
    return daemon.query("SELECT * FROM mail_outbox WHERE channel != 'mail' ORDER BY id")


def settled(daemon, count):
    rows = robot_rows(daemon)
    return rows if len(rows) >= count and all(r["state"] != "queued" for r in rows) else None


def test_every_service_signed_with_mentions_and_the_webhook_body():
    sandbox = Sandbox("robots-services")
    ca = CA(sandbox.path("pki"), "trusted")
    server = RobotServer(sandbox, ca, {
        "wecom": {"wk1": {}}, "dingtalk": {"dt1": {"secret": "SECdingtalk-1"}},
        "feishu": {"fh1": {"secret": "feishu-secret-1"}}, "webhook": {"ops": {"secret": "webhook-secret-1"}}})
    daemon = Daemon(sandbox)
    try:
        for name, value in (("dingtalk", "SECdingtalk-1"), ("feishu", "feishu-secret-1"), ("webhook", "webhook-secret-1")):
            secret(sandbox, name, value)
        today = today_shanghai()
        sandbox.write("plans/plan.yaml", f"""plan: {{id: robots, name: 机器人测试, years: every}}
units:
  wmb:
    name: 区文明办
    mail: [wmb@example.org]
    contact: {{name: 张三, phone: "13800000000"}}
    wecom: {{url: "{server.base}/cgi-bin/webhook/send?key=wk1"}}
    dingtalk: {{url: "{server.base}/robot/send?access_token=dt1", secret_file: ../secrets/dingtalk, format: markdown}}
    feishu: {{url: "{server.base}/open-apis/bot/v2/hook/fh1", secret_file: ../secrets/feishu, format: card}}
    webhook: {{url: "{server.base}/hooks/ops", secret_file: ../secrets/webhook, language: en}}
items:
  - id: flag-salute
    kind: campaign
    title: “向国旗敬礼”签字寄语活动
    title_en: Salute the national flag
    when: {today}
    owners: [wmb]
    remind: {{leads: [0d], time: "00:00"}}
""")
        sandbox.write("almanac.yaml", config(server))
        daemon.start_with_due_reminders()
        rows = wait_for(lambda: settled(daemon, 4), "four robot messages settled")
        check([r["state"] for r in rows] == ["sent"] * 4, f"robot messages: {[(r['channel'], r['state'], r['last_error']) for r in rows]}")
        received = {r["robot"]: r for r in server.records()}
        check(sorted(received) == ["dingtalk:dt1", "feishu:fh1", "webhook:ops", "wecom:wk1"], f"received {sorted(received)}")
        wecom = received["wecom:wk1"]["body"]
        check(wecom["msgtype"] == "text" and "“向国旗敬礼”签字寄语活动" in wecom["text"]["content"], f"wecom: {wecom}")
        check(wecom["text"]["mentioned_mobile_list"] == ["13800000000"], "wecom: the contact is not mentioned by mobile")
        ding = received["dingtalk:dt1"]["body"]
        check(ding["msgtype"] == "markdown" and ding["at"]["atMobiles"] == ["13800000000"], f"dingtalk: {ding}")
        check("@13800000000" in ding["markdown"]["text"] and "签字寄语活动" in ding["markdown"]["title"], f"dingtalk: {ding}")
        feishu = received["feishu:fh1"]["body"]
        check(feishu["msg_type"] == "interactive" and "签字寄语活动" in feishu["card"]["header"]["title"]["content"], f"feishu: {feishu}")
        hook = received["webhook:ops"]
        body = hook["body"]
        check(hook["headers"]["X-Almanac-Delivery"] == body["delivery"], "webhook: the delivery header and the body disagree")
        check(body["schema"] == "almanac.reminder/1" and body["kind"] == "reminder", f"webhook: {body}")
        check(body["item"] == "flag-salute" and body["occurrence"] == f"flag-salute@{today}", f"webhook: {body}")
        check(body["title"] == {"zh": "“向国旗敬礼”签字寄语活动", "en": "Salute the national flag"}, f"webhook title: {body['title']}")
        check(body["lead"] == {"zh": "当天", "en": "on the day"}, f"webhook lead: {body['lead']}")
        check(body["owners"] == [{"id": "wmb", "name": "区文明办"}], f"webhook owners: {body['owners']}")
        check(body["date"]["start"] == today and body["explanation"], f"webhook date/explanation: {body['date']} {body['explanation']}")
        # Caught up after the daemon's start, so it says it is late; in English, as configured.
        check(body["text"].startswith("(Sent late") and "[Reminder, on the day] Salute the national flag" in body["text"],
              f"webhook text (English): {body['text']!r}")
        check(body["late"] is True, "webhook: late is not true for a caught-up reminder")
        check(len(daemon.entries(message_id=SENT)) == 4, f"robot sent entries: {daemon.entries(message_id=SENT)}")
        outbox = json.loads(daemon.ctl("outbox", "--state", "sent", "--json").stdout)
        channels = sorted(e.get("channel") for e in outbox["entries"])
        check(channels == ["dingtalk", "feishu", "mail", "webhook", "wecom"], f"almanacctl outbox channels: {channels}")
        check(all(e.get("destination") for e in outbox["entries"] if e["channel"] != "mail"), "robot entries lack their destination")
        human = daemon.ctl("outbox", "--state", "sent").stdout
        check("dingtalk" in human and "access_token" not in human and "SECdingtalk" not in human, f"outbox text:\n{human}")
        # send-test: one message through every destination, one result each.
        result = daemon.ctl("send-test", "wmb", "--json", check_status=False)
        check(result.returncode == 0, f"send-test exited {result.returncode}: {result.stderr}{result.stdout}")
        report = json.loads(result.stdout)
        check([r["channel"] for r in report["results"]] == ["mail", "wecom", "dingtalk", "feishu", "webhook"], f"send-test: {report}")
        check(all(r["ok"] for r in report["results"]), f"send-test: {report}")
        tests = [r for r in server.records() if "测试" in text_of(r["body"]) or "test" in text_of(r["body"]).lower()]
        check(len(tests) == 4, f"{len(tests)} test messages reached the robots")
        only = json.loads(daemon.ctl("send-test", "wmb", "--channel", "dingtalk", "--json").stdout)
        check([r["channel"] for r in only["results"]] == ["dingtalk"], f"send-test --channel: {only}")
        log_text = daemon.text()
        for secret_text in ("SECdingtalk-1", "feishu-secret-1", "webhook-secret-1", "access_token=dt1", "key=wk1"):
            check(secret_text not in log_text, f"the journal shows a credential: {secret_text}")
    finally:
        daemon.stop()
        server.stop()
    sandbox.cleanup()


def test_service_error_codes_are_retried_or_fail():
    sandbox = Sandbox("robots-errors")
    ca = CA(sandbox.path("pki"), "trusted")
    server = RobotServer(sandbox, ca, {
        "wecom": {"wk1": {}}, "dingtalk": {"dt1": {"secret": "SECright"}, "dt2": {"secret": "SECright"}},
        "feishu": {"fh1": {"secret": "right"}, "fh2": {"secret": "right"}}, "webhook": {"ops": {"secret": "right"}}},
        window=2)
    daemon = Daemon(sandbox)
    try:
        secret(sandbox, "right", "right")
        secret(sandbox, "ding-right", "SECright")
        secret(sandbox, "wrong", "not-the-secret")
        # Each service's own rate-limit or busy answer once: retried, delivered once.
        server.control({"fail": {"robot": "wecom:wk1", "count": 1, "status": 200, "answer": {"errcode": 45009, "errmsg": "api freq out of limit"}}})
        server.control({"fail": {"robot": "dingtalk:dt1", "count": 1, "status": 200, "answer": {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}}})
        server.control({"fail": {"robot": "feishu:fh1", "count": 1, "status": 200, "answer": {"code": 11232, "msg": "frequency limited"}}})
        server.control({"fail": {"robot": "webhook:ops", "count": 1, "status": 503, "answer": {"error": "busy"}}})
        today = today_shanghai()
        sandbox.write("plans/plan.yaml", f"""plan: {{id: errors, name: 错误码测试, years: every}}
units:
  ok:
    name: 正常单位
    wecom: {{url: "{server.base}/cgi-bin/webhook/send?key=wk1"}}
    dingtalk: {{url: "{server.base}/robot/send?access_token=dt1", secret_file: ../secrets/ding-right}}
    feishu: {{url: "{server.base}/open-apis/bot/v2/hook/fh1", secret_file: ../secrets/right}}
    webhook: {{url: "{server.base}/hooks/ops", secret_file: ../secrets/right}}
  bad:
    name: 配错单位
    wecom: {{url: "{server.base}/cgi-bin/webhook/send?key=wrong-key"}}
    dingtalk: {{url: "{server.base}/robot/send?access_token=dt2", secret_file: ../secrets/wrong}}
    feishu: {{url: "{server.base}/open-apis/bot/v2/hook/fh2", secret_file: ../secrets/wrong}}
items:
  - {{id: check-ok, kind: task, title: 正常检查, when: {today}, owners: [ok], remind: {{leads: [0d], time: "00:00"}}}}
  - {{id: check-bad, kind: task, title: 配错检查, when: {today}, owners: [bad], remind: {{leads: [0d], time: "00:00"}}}}
""")
        sandbox.write("almanac.yaml", config(server, window="2s"))
        daemon.start_with_due_reminders()
        rows = wait_for(lambda: settled(daemon, 7), "seven robot messages settled")
        by_destination = {r["channel"] + ":" + r["recipients"]: r for r in rows}
        for channel in ROBOT_CHANNELS:
            row = by_destination[f"{channel}:ok"]
            check(row["state"] == "sent" and row["attempts"] == 2, f"{channel}: {row['state']} after {row['attempts']} attempts: {row['last_error']}")
        expected = {"wecom": "93000", "dingtalk": "310000", "feishu": "19021"}
        for channel, code in expected.items():
            row = by_destination[f"{channel}:bad"]
            check(row["state"] == "failed" and row["attempts"] == 1 and code in (row["last_error"] or ""),
                  f"{channel} with a wrong key or secret: {row['state']}, {row['attempts']} attempts, {row['last_error']}")
        received = collections.Counter(r["robot"] for r in server.records())
        check(received == {"wecom:wk1": 1, "dingtalk:dt1": 1, "feishu:fh1": 1, "webhook:ops": 1}, f"received {dict(received)}")
        refused = collections.Counter(r["why"] for r in server.records("refused"))
        check(refused["injected"] == 4, f"refused: {dict(refused)}")
        check(refused["unknown key"] == 1 and refused["sign"] == 2, f"refused: {dict(refused)}")
        retries = daemon.entries(message_id=RETRY)
        check(len(retries) == 4, f"{len(retries)} retry entries:\n" + "\n".join(retries))
        check(any("45009" in e for e in retries) and any("130101" in e for e in retries) and any("11232" in e for e in retries),
              "the retry entries lack the services' codes")
        failed = daemon.entries(message_id=FAILED)
        check(any("93000" in e and "key is wrong" in e for e in failed), "no journal error for the wrong WeCom key")
        check(not daemon.exited(), "the daemon died")
    finally:
        daemon.stop()
        server.stop()
    sandbox.cleanup()


def test_unsafe_secret_and_plain_http_are_refused_at_load():
    sandbox = Sandbox("robots-config")
    ca = CA(sandbox.path("pki"), "trusted")
    server = RobotServer(sandbox, ca, {"dingtalk": {"dt1": {"secret": "SECx"}}, "wecom": {"wk1": {}}})
    daemon = Daemon(sandbox)
    try:
        secret(sandbox, "open", "SECx", mode=0o644)
        today = today_shanghai()
        plan = f"""plan: {{id: config, name: 配置测试, years: every}}
units:
  wmb:
    name: 区文明办
    wecom: {{url: "{server.base}/cgi-bin/webhook/send?key=wk1"}}
    dingtalk: {{url: "{server.base}/robot/send?access_token=dt1", secret_file: ../secrets/open}}
items:
  - {{id: check, kind: task, title: 配置检查, when: {today}, owners: [wmb], remind: {{leads: [0d], time: "00:00"}}}}
"""
        sandbox.write("plans/plan.yaml", plan)
        sandbox.write("almanac.yaml", config(server))
        daemon.start_with_due_reminders()
        rows = wait_for(lambda: settled(daemon, 2), "both robot messages settled")
        states = {r["channel"]: r for r in rows}
        check(states["wecom"]["state"] == "sent", f"wecom: {states['wecom']}")
        ding = states["dingtalk"]
        check(ding["state"] == "failed" and ding["attempts"] == 0, f"dingtalk with an open secret file: {ding}")
        check("readable by others" in ding["last_error"] and "chmod 600" in ding["last_error"], ding["last_error"])
        unusable = daemon.entries(message_id=UNUSABLE)
        # Once per run: the run that recorded the installation, and this one.
        check(len(unusable) == 2 and all("readable by others" in e for e in unusable), f"unusable entries: {unusable}")
        check(sandbox.path("secrets", "open") in unusable[-1], f"the entry does not name the file: {unusable[-1]}")
        check([r["robot"] for r in server.records()] == ["wecom:wk1"], f"received: {server.records()}")
        check("SECx" not in daemon.text(), "the journal shows the secret")
        # Fixed: a retry from the outbox goes out after a reload reads the file again.
        os.chmod(sandbox.path("secrets", "open"), 0o600)
        loaded = len(daemon.entries(contains="group robots loaded ALMANAC_ROBOTS=2 ALMANAC_UNUSABLE=0"))
        daemon.ctl("reload")
        wait_for(lambda: len(daemon.entries(contains="group robots loaded ALMANAC_ROBOTS=2 ALMANAC_UNUSABLE=0")) > loaded,
                 "the robots read again after the reload")
        daemon.ctl("outbox", "retry", str(ding["id"]))
        wait_for(lambda: [r for r in robot_rows(daemon) if r["channel"] == "dingtalk" and r["state"] == "sent"], "the retried message")
        check(sorted(r["robot"] for r in server.records()) == ["dingtalk:dt1", "wecom:wk1"], "the retried message did not arrive once")
        # http://: the plan is refused at load, with its position.
        plain = plan.replace(f"url: \"{server.base}/cgi-bin", f"url: \"http://127.0.0.1:{server.port}/cgi-bin")
        sandbox.write("plans/plan.yaml", plain)
        result = daemon.ctl("reload", check_status=False)
        check(result.returncode != 0 and "must use https://, not http://" in result.stdout + result.stderr,
              f"reload with http://: {result.returncode} {result.stdout} {result.stderr}")
        check_result = run([ALMANACD, "--config", sandbox.path("almanac.yaml"), "--check"], check_status=False)
        check(check_result.returncode == 65 and re.search(r"plan\.yaml:5:\d+: error: the robot URL must use https://",
                                                            check_result.stdout + check_result.stderr),
              f"almanacd --check: {check_result.returncode} {check_result.stdout} {check_result.stderr}")
        check(not daemon.exited(), "the daemon died")
    finally:
        daemon.stop()
        server.stop()
    sandbox.cleanup()


def test_exactly_once_in_order_through_a_restart_during_an_outage():
    sandbox = Sandbox("robots-outage")
    ca = CA(sandbox.path("pki"), "trusted")
    server = RobotServer(sandbox, ca, {"wecom": {"wk1": {}}, "webhook": {"ops": {"secret": "right"}}}, window=3)
    daemon = Daemon(sandbox)
    try:
        secret(sandbox, "right", "right")
        server.control({"outage": "reset"})
        today = today_shanghai()
        items = "\n".join(
            f"  - {{id: item-{n:02d}, kind: task, title: OUT-{n:02d} 检查, when: {today}, owners: [wmb], remind: {{leads: [0d], time: \"00:00\"}}}}"
            for n in range(12))
        sandbox.write("plans/plan.yaml", f"""plan: {{id: outage, name: 断网测试, years: every}}
units:
  wmb:
    name: 区文明办
    wecom: {{url: "{server.base}/cgi-bin/webhook/send?key=wk1"}}
    webhook: {{url: "{server.base}/hooks/ops", secret_file: ../secrets/right}}
items:
{items}
""")
        sandbox.write("almanac.yaml", config(server, window="3s"))
        daemon.start_with_due_reminders()
        def attempted(least):
            rows = robot_rows(daemon)
            heads = {}
            for row in rows:
                heads.setdefault(row["channel"], row)
            return len(rows) == 24 and len(heads) == 2 and all(h["attempts"] >= least for h in heads.values())

        # Only the first message of each robot is tried: the others wait behind it, in order.
        wait_for(lambda: attempted(2), "failed attempts during the outage")
        check(not server.records(), "something arrived during the outage")
        status = daemon.kill()
        check(status == -signal.SIGKILL, f"almanacd exited {status} instead of being killed")
        daemon.start()
        wait_for(lambda: attempted(3), "attempts after the restart")
        server.control({"outage": None})
        rows = wait_for(lambda: settled(daemon, 24), "every message after the outage")
        check(all(r["state"] == "sent" for r in rows), f"not all sent: {[(r['id'], r['state'], r['last_error']) for r in rows]}")
        received = server.records()
        titles = collections.Counter()
        order = collections.defaultdict(list)
        for record in received:
            for title in re.findall(r"OUT-\d\d", text_of(record["body"])):
                titles[(record["robot"], title)] += 1
                order[record["robot"]].append(title)
        expected = [f"OUT-{n:02d}" for n in range(12)]
        for robot in ("wecom:wk1", "webhook:ops"):
            counts = [titles[(robot, t)] for t in expected]
            check(counts == [1] * 12, f"{robot}: each reminder once, got {counts}")
            check(order[robot] == expected, f"{robot}: out of order: {order[robot]}")
        deliveries = collections.Counter(d for r in received if r["robot"] == "webhook:ops" for d in webhook_deliveries(r["body"]))
        check(len(deliveries) == 12 and set(deliveries.values()) == {1}, f"webhook deliveries: {deliveries}")
    finally:
        daemon.stop()
        server.stop()
    sandbox.cleanup()


def rate_check(records, limit, window):
    """The largest number of accepted requests to one robot in any window."""
    worst = 0
    by_robot = collections.defaultdict(list)
    for record in records:
        by_robot[record["robot"]].append(record["at"])
    for times in by_robot.values():
        times.sort()
        start = 0
        for end in range(len(times)):
            while times[end] - times[start] >= window:
                start += 1
            worst = max(worst, end - start + 1)
    return worst


def test_a_shared_robot_gets_a_digest_of_what_exceeds_its_rate():
    sandbox = Sandbox("robots-rate")
    ca = CA(sandbox.path("pki"), "trusted")
    window = 4
    server = RobotServer(sandbox, ca, {"wecom": {"shared": {}}}, limit=20, window=window)
    daemon = Daemon(sandbox)
    try:
        today = today_shanghai()
        units = "\n".join(
            f"  u{n}:\n    name: 单位{n}\n    wecom: {{url: \"{server.base}/cgi-bin/webhook/send?key=shared\", format: markdown}}"
            for n in range(3))
        items = "\n".join(
            f"  - {{id: item-{n:02d}, kind: task, title: RATE-{n:02d} 检查, when: {today}, owners: [u{n % 3}], remind: {{leads: [0d], time: \"00:00\"}}}}"
            for n in range(45))
        sandbox.write("plans/plan.yaml", f"plan: {{id: rate, name: 限流测试, years: every}}\nunits:\n{units}\nitems:\n{items}\n")
        sandbox.write("almanac.yaml", config(server, window=f"{window}s"))
        daemon.start_with_due_reminders()
        rows = wait_for(lambda: settled(daemon, 45), "45 messages to the shared robot")
        check(all(r["state"] == "sent" for r in rows), "not all sent")
        received = server.records()
        titles = collections.Counter(t for r in received for t in re.findall(r"RATE-\d\d", text_of(r["body"])))
        check(sorted(titles) == [f"RATE-{n:02d}" for n in range(45)] and set(titles.values()) == {1}, f"titles: {titles}")
        check(not server.records("refused"), f"the robot refused: {server.records('refused')}")
        check(rate_check(received, 20, window) <= 20, "more than 20 requests in a window")
        digests = [r for r in received if "合并发送" in text_of(r["body"])]
        # 45 messages and room for 20 requests a window: some go together (how many depends on how
        # many were queued when the worker first looked, which the test does not control).
        check(digests, f"{len(received)} requests and no digest")
        check(sum(len(re.findall(r"RATE-\d\d", text_of(d["body"]))) for d in digests) + len(received) - len(digests) == 45,
              "the digests and single messages do not add up to 45")
        check(daemon.entries(contains="robot digest sent"), "no journal entry for the digest")
    finally:
        daemon.stop()
        server.stop()
    sandbox.cleanup()


def peak_memory_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def load_run(window=2.0, reminders=1000, units=80, robots=20):
    """1,000 reminders due at once to 80 units, each with a mail address and a group robot
    (`robots` robots, each shared by units/robots units, mixed services): all delivered within
    the rate limits, none lost or repeated. Returns (seconds, peak KiB, requests)."""
    sandbox = Sandbox("robots-load")
    ca = CA(sandbox.path("pki"), "trusted")
    services = ["wecom", "dingtalk", "feishu", "webhook"]
    names = [(services[r % 4], f"r{r}") for r in range(robots)]
    config_robots = {s: {} for s in services}
    for service, name in names:
        config_robots[service][name] = {"secret": f"secret-{name}"} if service != "wecom" else {}
    server = RobotServer(sandbox, ca, config_robots, limit=20, window=window)
    daemon = Daemon(sandbox)
    try:
        lines = []
        for service, name in names:
            if service != "wecom":
                secret(sandbox, name, f"secret-{name}")
        for u in range(units):
            service, name = names[u % robots]
            url = {"wecom": f"/cgi-bin/webhook/send?key={name}", "dingtalk": f"/robot/send?access_token={name}",
                   "feishu": f"/open-apis/bot/v2/hook/{name}", "webhook": f"/hooks/{name}"}[service]
            extra = "" if service == "wecom" else f", secret_file: ../secrets/{name}"
            lines.append(f"  u{u:02d}:\n    name: 单位{u}\n    mail: [u{u:02d}@example.org]\n"
                         f"    {service}: {{url: \"{server.base}{url}\"{extra}}}")
        today = today_shanghai()
        items = "\n".join(
            f"  - {{id: load-{n:04d}, kind: task, title: LOAD-{n:04d} 检查, when: {today}, owners: [u{n % units:02d}], remind: {{leads: [0d], time: \"00:00\"}}}}"
            for n in range(reminders))
        sandbox.write("plans/plan.yaml", "plan: {id: load, name: 负载测试, years: every}\nunits:\n" + "\n".join(lines) + f"\nitems:\n{items}\n")
        sandbox.write("almanac.yaml", config(server, window=f"{window:g}s"))
        # The installation record first (its run queues nothing), then the timed run.
        daemon.start()
        wait_for(lambda: daemon.query("SELECT id FROM delivery WHERE occurrence_id = '*' AND reminder_id = 'installed'"),
                 "the installation record")
        daemon.stop()
        import sqlite3
        db = sqlite3.connect(daemon.database)
        db.execute("UPDATE delivery SET due_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-20 days') "
                   "WHERE occurrence_id = '*' AND reminder_id = 'installed'")
        db.commit()
        db.close()
        started = time.monotonic()
        daemon.start()
        expected_robot = reminders  # one message per reminder: each unit has one robot

        def done():
            rows = daemon.query("SELECT channel, state, COUNT(*) AS n FROM mail_outbox GROUP BY channel, state")
            total = sum(r["n"] for r in rows)
            queued = sum(r["n"] for r in rows if r["state"] == "queued")
            return rows if total == 2 * reminders and queued == 0 else None

        rows = wait_for(done, "every mail and robot message settled", timeout=max(HANG, 40 * window + 120))
        elapsed = time.monotonic() - started
        peak = peak_memory_kib(daemon.process.pid)
        spans = daemon.query(
            "SELECT (julianday(MAX(created_at)) - julianday(MIN(created_at))) * 86400 AS queueing, "
            "(julianday(MAX(sent_at)) - julianday(MIN(created_at))) * 86400 AS total, "
            "(julianday(MIN(CASE WHEN channel != 'mail' THEN sent_at END)) - julianday(MIN(created_at))) * 86400 AS first_robot, "
            "(julianday(MAX(CASE WHEN channel = 'mail' THEN sent_at END)) - julianday(MIN(created_at))) * 86400 AS last_mail "
            "FROM mail_outbox")[0]
        log(f"after the pass began: first robot message {spans['first_robot']:.1f} s, last mail {spans['last_mail']:.1f} s, "
            f"last message {spans['total']:.1f} s")
        failed = [r for r in rows if r["state"] != "sent"]
        check(not failed, f"not sent: {failed}")
        mails = len([n for n in os.listdir(sandbox.path("lib", "outbox")) if n.endswith(".eml")])
        check(mails == reminders, f"{mails} mail files for {reminders} reminders")
        received = server.records()
        titles = collections.Counter(t for r in received for t in re.findall(r"LOAD-\d{4}", text_of(r["body"])))
        check(len(titles) == expected_robot and set(titles.values()) == {1},
              f"robots got {len(titles)} distinct reminders, repeats: {[t for t, c in titles.items() if c > 1][:5]}")
        check(not server.records("refused"), f"refused: {server.records('refused')[:3]}")
        worst = rate_check(received, 20, window)
        check(worst <= 20, f"{worst} requests to one robot in {window} s")
        return elapsed, peak, len(received), worst
    finally:
        daemon.stop()
        server.stop()
        sandbox.cleanup()


def test_load():
    elapsed, peak, requests, worst = load_run()
    log(f"1,000 reminders to 80 units (mail + 20 robots, 2 s window): {elapsed:.1f} s, peak RSS {peak / 1024:.1f} MiB, "
        f"{requests} robot requests, at most {worst} per robot per window")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", action="store_true")
    parser.add_argument("--window", type=float, default=2.0)
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--units", type=int, default=80)
    parser.add_argument("--robots", type=int, default=20)
    args = parser.parse_args()
    if args.load:
        try:
            elapsed, peak, requests, worst = load_run(args.window, args.reminders, args.units, args.robots)
        except Exception as error:  # noqa: BLE001
            print(f"FAILED: {error}", file=sys.stderr)
            sys.exit(1)
        print(json.dumps({"reminders": args.reminders, "units": args.units, "robots": args.robots, "window_s": args.window,
                          "seconds": round(elapsed, 2), "peak_rss_mib": round(peak / 1024, 1), "robot_requests": requests,
                          "max_requests_per_robot_per_window": worst}))
        sys.exit(0)
    sys.exit(main([
        ("every service: signatures, mentions, the webhook's body; outbox and send-test", test_every_service_signed_with_mentions_and_the_webhook_body),
        ("the services' own codes: rate limits retried, a wrong key or secret fails", test_service_error_codes_are_retried_or_fail),
        ("a secret file readable by others and a plain-http URL are refused at load", test_unsafe_secret_and_plain_http_are_refused_at_load),
        ("exactly once, in order, through a restart during an outage", test_exactly_once_in_order_through_a_restart_during_an_outage),
        ("a shared robot: the excess over its rate merged into a digest", test_a_shared_robot_gets_a_digest_of_what_exceeds_its_rate),
        ("1,000 reminders to 80 units over robots and mail", test_load),
    ]))
