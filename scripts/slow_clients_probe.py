#!/usr/bin/env python3
"""The fair-socket probe (issue 20, docs/control-protocol.md "Limits"): one user opens 200
connections to almanacd's control socket and trickles one byte a second on each, reconnecting
whenever the daemon closes one; meanwhile another user asks `status` every 20 ms. Prints the
latency of those answers (p50, p99, max), how many were not `ok`, and how the slow user fared.

Runs as root (it starts the clients as other users with setpriv): the slow user is
`almanac-test` (scripts/prereqs.sh makes it), the asking user `nobody`; neither is an
administrator, so no reserved slot is involved.

    python3 scripts/slow_clients_probe.py [--bin .build/release] [--seconds 60] [--clients 200]

Exit status 1 when an answer took longer than --bound ms (100) or was not `ok`.
"""
import argparse
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests"))

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--bin", default=None, help="directory of almanacd and almanacctl (default .build/debug)")
parser.add_argument("--seconds", type=float, default=60)
parser.add_argument("--clients", type=int, default=200)
parser.add_argument("--bound", type=float, default=100, help="the bound on each answer, in ms")
parser.add_argument("--slow-user", default="almanac-test")
parser.add_argument("--asking-user", default="nobody")
ARGS = parser.parse_args()
if ARGS.bin:
    os.environ["ALMANAC_BIN_DIR"] = os.path.abspath(ARGS.bin)

import e2e_support as e2e  # noqa: E402  (reads ALMANAC_BIN_DIR)

# The slow user: N connections, one byte a second each, reconnecting when closed. Prints how
# many connects it made and how many were refused with `busy`.
SLOW = r"""
import os, select, socket, sys, time
path, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
end = time.monotonic() + seconds
connects = busy = 0
def connect():
    global connects
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(path)
    except (BlockingIOError, InterruptedError):
        pass
    except OSError:
        s.close()
        return None
    connects += 1
    return s
socks = [s for s in (connect() for _ in range(count)) if s]
print("ready", flush=True)
while time.monotonic() < end:
    for i, s in enumerate(list(socks)):
        try:
            s.send(b"{")
        except OSError:
            pass
        try:
            data = s.recv(4096)
            if data and b'"busy"' in data:
                busy += 1
            if data == b"" or (data and b"\n" in data):
                s.close()
                socks[i] = connect() or s
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            socks[i] = connect() or s
    time.sleep(1)
print(f"{connects} {busy}")
"""

# The asking user: `status` every 20 ms on a new connection, as almanacctl would; one line per
# answer: milliseconds and whether it was ok.
ASK = r"""
import json, socket, sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
end = time.monotonic() + seconds
n = 0
while time.monotonic() < end:
    n += 1
    started = time.monotonic()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        s.sendall(json.dumps({"v": 1, "id": n, "cmd": "status"}).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        ok = json.loads(data or b"{}").get("ok") is True
    except Exception as error:
        ok = False
    finally:
        s.close()
    print(f"{(time.monotonic() - started) * 1000:.3f} {int(ok)}", flush=True)
    time.sleep(0.02)
"""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def main():
    if os.geteuid() != 0:
        e2e.fail("run as root: the clients are started as other users with setpriv")
    sandbox = e2e.Sandbox("slow-clients")
    try:
        os.chmod(sandbox.path("run"), 0o755)
        for name in os.listdir(os.path.join(REPO, "config", "plans")):
            source = os.path.join(REPO, "config", "plans", name)
            target = sandbox.path("plans", name)
            (shutil.copytree if os.path.isdir(source) else shutil.copy)(source, target)
        sandbox.write("almanac.yaml", e2e.base_config('control_socket_mode: "0666"\n'))
        daemon = e2e.Daemon(sandbox).start()
        as_user = lambda user, script, *args: subprocess.Popen(  # noqa: E731
            ["setpriv", f"--reuid={user}", f"--regid={pwd.getpwnam(user).pw_gid}", "--clear-groups", "python3", "-c", script, *args],
            stdout=subprocess.PIPE, text=True)
        slow = as_user(ARGS.slow_user, SLOW, daemon.socket, str(ARGS.clients), str(ARGS.seconds + 5))
        slow.stdout.readline()  # "ready": the crowd is connected before the first question
        ask = as_user(ARGS.asking_user, ASK, daemon.socket, str(ARGS.seconds))
        answers = [line.split() for line in ask.stdout]
        ask.wait()
        slow_out = slow.communicate()[0].split()[-2:]
        times = [float(t) for t, _ in answers]
        failed = sum(1 for _, ok in answers if ok != "1")
        result = {
            "answers": len(times), "not_ok": failed,
            "p50_ms": round(percentile(times, 0.5), 2), "p99_ms": round(percentile(times, 0.99), 2),
            "max_ms": round(max(times), 2) if times else None,
            "slow_connects": int(slow_out[0]) if slow_out else None, "slow_busy": int(slow_out[1]) if slow_out else None,
            "bound_ms": ARGS.bound, "clients": ARGS.clients, "seconds": ARGS.seconds,
        }
        print(json.dumps(result))
        daemon.stop()
        return 0 if times and failed == 0 and max(times) <= ARGS.bound else 1
    finally:
        sandbox.cleanup()


if __name__ == "__main__":
    sys.exit(main())
