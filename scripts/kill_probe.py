#!/usr/bin/env python3
"""The SIGKILL probe (issue 20, docs/mail.md "Delivery in doubt"): N reminders by mail to a real
SMTP server on loopback (tests/smtp_server.py, aiosmtpd from .venv-test), almanacd killed with
SIGKILL K times at random moments and restarted each time, then left to finish; T trials.

Counts per trial: mails lost (a Message-ID that never arrived), duplicates (copies beyond the
first), duplicates marked (those carrying `X-Almanac-Possible-Repeat: yes`), the kills that
landed inside a send (a row noted as handed to the transport and not recorded when the process
died), and whether `mail_outbox.attempts` is at least the copies that arrived for every mail.
With `--transport outbox` the file outbox instead: files per Message-ID and orphan `.tmp-*`.

    scripts/test.sh builds .build/debug; or: swift build --product almanacd --product almanacctl
    python3 scripts/kill_probe.py [--reminders 200] [--kills 20] [--trials 3] [--seed S]
                                  [--bin .build/release] [--transport smtp|outbox]

Exit status 1 when a mail is lost, a duplicate is unmarked, or there are more duplicates than
kills that landed inside a send. Not part of the default test run (it takes minutes).
"""
import argparse
import glob
import json
import os
import random
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests"))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=200)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--bin", default=None, help="directory of almanacd and almanacctl (default .build/debug)")
    parser.add_argument("--transport", choices=["smtp", "outbox"], default="smtp")
    parser.add_argument("--max-delay", type=float, default=1.0,
                        help="a kill comes 0..this many seconds after the (re)start")
    parser.add_argument("--keep", action="store_true", help="keep the sandboxes")
    return parser.parse_args()


ARGS = parse_args()
if ARGS.bin:
    os.environ["ALMANAC_BIN_DIR"] = os.path.abspath(ARGS.bin)

import e2e_support as e2e  # noqa: E402  (reads ALMANAC_BIN_DIR)

PYTHON = os.path.join(REPO, ".venv-test", "bin", "python")
MARK = b"X-Almanac-Possible-Repeat: yes"


def plan(count):
    text = "plan: {id: probe, name: 断电探测, years: every}\nunits:\n"
    units = 20
    for unit in range(units):
        text += f"  u{unit}: {{name: 单位{unit}, mail: [u{unit}@example.org]}}\n"
    text += "items:\n"
    today = e2e.today_shanghai()
    for index in range(count):
        text += (f"  - {{id: item-{index}, kind: task, title: 任务{index}, when: {today}, owners: [u{index % units}], "
                 f"remind: {{leads: [0d], time: \"00:00\"}}}}\n")
    return text


class SMTPServer:
    def __init__(self, directory):
        if not os.path.exists(PYTHON):
            e2e.fail(f"{PYTHON} is missing: run scripts/test.sh (it makes the venv with aiosmtpd)")
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.process = subprocess.Popen([PYTHON, os.path.join(REPO, "tests", "smtp_server.py"), "--dir", directory],
                                        stdout=subprocess.DEVNULL, stderr=open(os.path.join(directory, "server.log"), "w"))
        port_file = os.path.join(directory, "port")
        e2e.wait_for(lambda: os.path.exists(port_file) or self.process.poll() is not None, "the SMTP server's port")
        if self.process.poll() is not None:
            e2e.fail("the SMTP server did not start")
        with open(port_file) as f:
            self.port = int(f.read().strip())

    def received(self):
        """(Message-ID, marked) per accepted message, in arrival order."""
        result = []
        for path in sorted(glob.glob(os.path.join(self.directory, "*.json"))):
            with open(path) as f:
                message_id = json.load(f)["message_id"]
            eml = path[:-5] + ".eml"
            if not os.path.exists(eml):
                continue
            with open(eml, "rb") as f:
                head = f.read().split(b"\r\n\r\n", 1)[0]
            result.append((message_id, MARK in head.split(b"\r\n")))
        return result

    def stop(self):
        e2e.terminate(self.process)


def in_doubt(daemon):
    """(id, handed attempt) of the rows noted as handed to the transport and not recorded."""
    try:
        return {(row["id"], row["handed_attempt"]) for row in daemon.query(
            "SELECT id, handed_attempt FROM mail_outbox WHERE state = 'queued' AND handed_attempt > attempts")}
    except Exception:  # the database not created yet
        return set()


def trial(number, rng):
    sandbox = e2e.Sandbox(f"kill-probe-{number}", keep=ARGS.keep)
    server = SMTPServer(sandbox.path("smtp")) if ARGS.transport == "smtp" else None
    if server:
        mail = f"""mail:
  transport: smtp
  from: almanac@example.org
  smtp: {{url: "smtp://127.0.0.1:{server.port}", tls: none, connect_timeout: 10s}}
  retry: {{initial: 1s, maximum: 2s, max_attempts: 50}}
"""
    else:
        mail = """mail:
  transport: outbox
  from: almanac@example.org
  outbox: outbox
"""
    sandbox.write("plans/probe.yaml", plan(ARGS.reminders))
    sandbox.write("almanac.yaml", e2e.base_config(mail))
    daemon = e2e.Daemon(sandbox)
    started = time.monotonic()
    daemon.start_with_due_reminders()
    kills = []
    doubt_before = set()
    for _ in range(ARGS.kills):
        delay = rng.uniform(0, ARGS.max_delay)
        time.sleep(delay)
        sent_before = len(daemon.query("SELECT id FROM mail_outbox WHERE state = 'sent'"))
        daemon.kill()
        doubt = in_doubt(daemon)
        # Inside a send: an attempt handed over since the last kill and not recorded (a row still
        # in doubt from the last kill, the restarted daemon not having settled it yet, is not one).
        kills.append({"after": round(delay, 3), "sent": sent_before, "in_doubt": len(doubt - doubt_before)})
        doubt_before = doubt
        # Restarted at once, not waiting for the control socket: the next kill may land during start.
        log_file = open(daemon.log_path, "a")
        daemon.process = subprocess.Popen(
            [e2e.ALMANACD, "--config", sandbox.path("almanac.yaml")], stdout=log_file, stderr=log_file,
            env=daemon.environment, start_new_session=True)
        log_file.close()

    def settled():
        rows = daemon.query("SELECT state FROM mail_outbox")
        return len(rows) == ARGS.reminders and all(row["state"] == "sent" for row in rows)

    e2e.wait_for(settled, "every mail to be sent", timeout=max(e2e.HANG, 600))
    rows = daemon.query("SELECT message_id, attempts, possible_repeat FROM mail_outbox")
    status = daemon.stop()
    result = {"trial": number, "kills": len(kills), "kills_in_send": sum(1 for k in kills if k["in_doubt"]),
              "exit_status_at_stop": status}
    expected = {row["message_id"] for row in rows}
    if server:
        received = server.received()
        server.stop()
        copies = {}
        marked_duplicates = 0
        for message_id, marked in received:
            copies[message_id] = copies.get(message_id, 0) + 1
            if copies[message_id] > 1 and marked:
                marked_duplicates += 1
        attempts = {row["message_id"]: row["attempts"] for row in rows}
        result.update({
            "mails": len(received), "distinct": len(copies), "lost": len(expected - set(copies)),
            "duplicates": len(received) - len(copies), "duplicates_marked": marked_duplicates,
            "marked_copies": sum(1 for _, marked in received if marked),
            "rows_possible_repeat": sum(1 for row in rows if row["possible_repeat"]),
            "max_copies": max(copies.values()) if copies else 0,
            "attempts_below_copies": sum(1 for mid, n in copies.items() if attempts.get(mid, 0) < n),
        })
    else:
        outbox = sandbox.path("outbox")
        names = os.listdir(outbox) if os.path.isdir(outbox) else []
        result.update({
            "files": sum(1 for n in names if n.endswith(".eml")), "orphans": sum(1 for n in names if n.startswith(".tmp-")),
            "lost": len(expected) - sum(1 for n in names if n.endswith(".eml")),
            "rows_possible_repeat": sum(1 for row in rows if row["possible_repeat"]),
        })
    result["seconds"] = round(time.monotonic() - started, 1)
    result["kill_log"] = kills
    sandbox.cleanup()
    return result


def main():
    seed = ARGS.seed if ARGS.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"kill probe: {ARGS.reminders} reminders, {ARGS.kills} kills, {ARGS.trials} trials, transport {ARGS.transport}, "
          f"seed {seed}, almanacd {e2e.ALMANACD}", flush=True)
    bad = False
    for number in range(1, ARGS.trials + 1):
        result = trial(number, rng)
        kill_log = result.pop("kill_log")
        print(json.dumps(result), flush=True)
        print("  kills (s after start, mails sent before, sends interrupted): "
              + " ".join(f"{k['after']}/{k['sent']}/{k['in_doubt']}" for k in kill_log), flush=True)
        if result["lost"]:
            bad = True
        if ARGS.transport == "smtp":
            if result["duplicates"] != result["duplicates_marked"] or result["duplicates"] > result["kills_in_send"]:
                bad = True
            if result["attempts_below_copies"]:
                bad = True
        elif result["orphans"]:
            bad = True
    print("FAIL" if bad else "OK", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
