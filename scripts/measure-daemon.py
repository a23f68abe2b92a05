#!/usr/bin/env python3
"""Measures almanacd as systemd sees it: start to READY=1, idle RSS, reload (SIGHUP to READY=1)
and SIGTERM to exit, through a notify socket of its own (NOTIFY_SOCKET).

Usage: scripts/measure-daemon.py [ALMANACD [CONFIG]]
Default: .build/release/almanacd with a temporary configuration on config/plans/*.yaml whose
state and runtime directories are temporary. Build first: swift build -c release --product almanacd
"""
import json, os, signal, socket, statistics, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build/release/almanacd")
work = tempfile.mkdtemp(prefix="almanac-measure-")
if len(sys.argv) > 2:
    config = os.path.abspath(sys.argv[2])
else:
    config = os.path.join(work, "almanac.yaml")
    with open(config, "w") as f:
        f.write(f"plans: {root}/config/plans/*.yaml\nholidays: {root}/config/holidays\n"
                f"state_directory: {work}/lib\nruntime_directory: {work}/run\n")
notify_path = os.path.join(work, "notify.sock")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(notify_path)
sock.settimeout(60)

def until(marker):
    while True:
        message = sock.recv(4096).decode()
        if marker in message.split("\n"):
            return message

env = dict(os.environ, NOTIFY_SOCKET=notify_path)
for name in ("LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "WATCHDOG_PID"):
    env.pop(name, None)
starts, reloads = [], []
for run in range(5):
    t0 = time.monotonic()
    proc = subprocess.Popen([binary, "--config", config], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    until("READY=1")
    starts.append((time.monotonic() - t0) * 1000)
    if run < 4:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
        continue
    time.sleep(2)
    rss = {l.split(":")[0]: l.split(":")[1].strip() for l in open(f"/proc/{proc.pid}/status") if l.startswith(("VmRSS", "VmHWM"))}
    for _ in range(10):
        t1 = time.monotonic()
        proc.send_signal(signal.SIGHUP)
        until("READY=1")
        reloads.append((time.monotonic() - t1) * 1000)
    status = json.load(open(os.path.join(work, "run/status.json"))) if len(sys.argv) <= 2 else None
    t2 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait()
    stop = (time.monotonic() - t2) * 1000

print(f"start to READY=1: median {statistics.median(starts):.0f} ms ({', '.join(f'{x:.0f}' for x in starts)})")
print(f"idle RSS 2 s after READY: VmRSS {rss.get('VmRSS')}, VmHWM {rss.get('VmHWM')}")
print(f"SIGHUP to READY=1: median {statistics.median(reloads):.0f} ms ({', '.join(f'{x:.0f}' for x in reloads)})")
if status:
    print(f"plan: {status['plan']['name'] if status['plan'] else None}, {status['plan']['items'] if status['plan'] else 0} items; "
          f"last reload load+validate {status['last_reload']['duration_ms']:.1f} ms, accepted {status['last_reload']['accepted']}")
print(f"SIGTERM to exit: {stop:.0f} ms, exit status {code}")
sock.close()
if len(sys.argv) <= 2:
    import shutil
    shutil.rmtree(work, ignore_errors=True)
