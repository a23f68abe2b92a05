#!/usr/bin/env python3
"""Measures almanacd as a process, the way systemd and almanacctl see it, and prints one line
per figure (the names and units the README quotes):

  daemon   start to READY=1 (sd_notify, read from a datagram socket of our own: NOTIFY_SOCKET),
           reload (SIGHUP to READY=1), idle RSS, idle wake-ups per hour (context switches of
           all the daemon's threads over an idle period with nothing due, from
           /proc/PID/task/*/status), SIGTERM to exit; with the sample plan and with a generated
           10,000-item plan.
  socket   `status` over the real control socket of a child almanacd: round trip p50/p99 and
           requests per second on one connection, with a new connection per request, pipelined;
           `almanacctl status` as a process. Beside it, the same client against a minimal echo
           server on a Unix socket (the floor: Python client plus kernel).
  lateness a reminder due a few seconds ahead (at the next whole minute): when its line appears
           on the daemon's stderr, against its due instant.
  rules    `almanacctl expand RULE --year 2026` beside `systemd-analyze calendar --iterations=N`
           for the same dates (both as processes).
  agenda   a year's agenda of a generated 10,000-item plan (scripts/generate-plan.py, the yearly
           mix: the office mix holds more than the 100,000 entries an agenda answers) offline, `almanacctl agenda --plan … --json` and the table, beside `remind -s12` on
           the same reminders (the file the generator writes beside the plan): wall clock, CPU and
           peak RSS of each process, cold (ALMANAC_CACHE=off) and warm (a hit in a plan cache of
           its own directory), whether warm and cold print the same bytes, and whether both list the same (date, title) pairs for the items
           remind can express (every kind but the lunar festivals). With --almanacctl-static, the
           same for the static almanacctl (as the Debian package ships it), run in turn with the
           ordinary one; each figure names its build ("shared Swift libraries" or
           "--static-swift-stdlib") and whether both print the same bytes.
  growth   plans of 100, 500 and 2,000 items `weekly mon,wed,fri` and the item `daily` at 1,440
           times a day (limits raised for it): reload time, the time until the daemon is idle
           again, peak and idle RSS, CPU after READY, and `status` round trips on the control
           socket throughout (a fresh daemon each); then the same daily item under the default
           limits, which the reload must refuse with a file:line:col diagnostic.
  stop     10,000 items of the office mix: `status` round trips while reloads run; then SIGTERM at
           20 random moments (while the first plan loads, after READY, during a reload, after
           one): time to exit, exit status, STOPPING=1 sent and no READY=1 after it.
  shapes   issue 14's plans of other shapes (scripts/generate-plan.py): 10,000 items owned by 1,000
           units with robots and two addresses each; a checklist of 5,000 indicators over 800
           units with progress imported through almanacctl; 10,000 calendar-heavy rules (lunar,
           festival offsets, 调休 working days, day-off policies); 50,000 items of the office mix;
           10,000 items in 200 include files. --shape NAME,... picks some. For each: start to
           READY, reload (with `status` round trips during it), `status` p50/p99 on one
           connection and with 8 clients, idle CPU over 30 s, idle and peak RSS, SIGTERM to exit,
           the sizes of the files in the runtime directory, and the CPU seconds and load average.
  memory   idle RSS split the way the kernel counts it: RssAnon (the daemon's own heap and
           stacks) + RssFile (pages of the executable and the shared libraries it touched; counted
           whole although other processes share them), Pss, and the mappings holding the most
           (/proc/PID/smaps), 20 s after the daemon's stderr went quiet after READY, for the sample
           plan, the 10,000-item yearly plan and 10,000 items of the office mix (the shape the
           bar is hardest for); then one reload (SIGHUP to READY=1) and the same split 20 s after
           it; with --almanacd-static, the
           same for a build with the Swift runtime and Foundation linked in (as the Debian package
           ships it: make SCRATCH=.build-static SWIFT_BUILD_FLAGS=--static-swift-stdlib), side by side.

Usage: scripts/measure-daemon.py [--quick] [--only SECTION,...] [--almanacd-static ALMANACD]
                                 [--almanacctl-static ALMANACCTL] [ALMANACD [ALMANACCTL]]
Default binaries: .build/release/almanacd and .build/release/almanacctl
(swift build -c release --product almanacd; swift build -c release --product almanacctl).
Every run uses temporary state and runtime directories; nothing in the checkout changes.
"""
import argparse, datetime, json, os, random, shutil, signal, socket, statistics, subprocess, sys
import tempfile, threading, time
from zoneinfo import ZoneInfo

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("almanacd", nargs="?", default=os.path.join(root, ".build/release/almanacd"))
parser.add_argument("almanacctl", nargs="?", default=os.path.join(root, ".build/release/almanacctl"))
parser.add_argument("--quick", action="store_true", help="fewer runs and a shorter idle period")
parser.add_argument("--only", default="daemon,socket,lateness,rules,agenda,growth,stop,memory",
                    help="comma-separated sections: daemon, socket, lateness, rules, agenda, growth, stop, memory")
parser.add_argument("--shape", default="units,checklist,calendar,big,split",
                    help="shapes: units, checklist, calendar, big, split, office")
parser.add_argument("--almanacd-static", help="memory: also measure this almanacd (built with --static-swift-stdlib)")
parser.add_argument("--almanacctl-static", help="agenda: also measure this almanacctl (built with --static-swift-stdlib)")
args = parser.parse_args()
# The two builds, as the figures name them: the ordinary one, linked against the Swift runtime's
# shared libraries (make's default), and the one the Debian package ships (--static-swift-stdlib).
DYNAMIC, STATIC = "shared Swift libraries", "--static-swift-stdlib"
ctl_builds = [(DYNAMIC, args.almanacctl)] + ([(STATIC, args.almanacctl_static)] if args.almanacctl_static else [])
sections = set(args.only.split(","))
work = tempfile.mkdtemp(prefix="almanac-measure-")
zone = ZoneInfo("Asia/Shanghai")
IDLE_SECONDS = 20 if args.quick else 60
START_RUNS = 3 if args.quick else 5
RELOAD_RUNS = 5 if args.quick else 10
SOCKET_REQUESTS = 500 if args.quick else 2000


def figure(name, value, detail=""):
    """One figure: `name: value (detail)`. bench.sh and the README quote these lines."""
    print(f"{name}: {value}" + (f" ({detail})" if detail else ""), flush=True)


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def us(seconds):
    return f"{seconds * 1e6:.0f} µs"


def ms(seconds):
    return f"{seconds * 1e3:.0f} ms" if seconds >= 0.1 else f"{seconds * 1e3:.1f} ms"


def write_config(directory, plans, delivery_time="09:00", limits=None):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "almanac.yaml")
    with open(path, "w") as f:
        f.write(f"plans:\n  - {plans}\nholidays: {root}/config/holidays\n"
                f"state_directory: {directory}/lib\nruntime_directory: {directory}/run\n"
                f"delivery_time: \"{delivery_time}\"\nmail:\n  transport: outbox\n  outbox: {directory}/outbox\n"
                f"log_level: info\n")
        if limits:
            f.write("limits:\n" + "".join(f"  {k}: {v}\n" for k, v in limits.items()))
    return path


def write_big_plan(path, count=10_000, units=80):
    """A deterministic plan of `count` items over 2026 and 2027, owned by 1–3 of `units` units:
    60% one-day items (fixed dates and festivals), 25% campaign windows of 5–30 days, 15%
    deadlines with overdue repeats and escalation; the mix of SchedulerBenchmarks' synthetic plan."""
    rng = random.Random(0x9D93AA60)
    festivals = ["春节", "元宵", "清明", "端午", "七夕", "中秋", "重阳", "冬至", "春节 -3d", "中秋 -1wd"]
    out = ["# Generated by scripts/measure-daemon.py: the 10,000-item benchmark plan.", "plan:",
           "  id: bench-10000", "  name: 10,000 items", "  years: [2026, 2027]", "  timezone: Asia/Shanghai",
           "  holidays: cn", "defaults:", "  reminders:", "    all: {leads: [-5wd, -1d]}",
           "    campaign: {leads: [-10wd, -1wd, 0d]}",
           "    deadline: {leads: [-15wd, -5wd, -1wd, 0d], repeat_while_overdue: 1wd, escalate_after: 2wd}",
           "units:"]
    for u in range(units):
        out += [f"  u{u}:", f"    name: 单位{u}", f"    mail: [u{u}@example.org]",
                f"    leader: {{name: 单位{u}负责人, mail: u{u}-leader@example.org}}"]
    out.append("items:")
    for i in range(count):
        owners = sorted({f"u{rng.randrange(units)}" for _ in range(rng.randint(1, 3))})
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        roll = rng.randrange(100)
        if roll < 60:
            kind = "festival" if roll < 15 else "task"
            when = festivals[rng.randrange(len(festivals))] if roll < 15 else f"{month:02d}-{day:02d}"
        elif roll < 85:
            kind = "campaign"
            end = datetime.date(2026, month, day) + datetime.timedelta(days=rng.randint(5, 30))
            when = f"{month:02d}-{day:02d}..{end.month:02d}-{end.day:02d}"
        else:
            kind, when = "deadline", f"{month:02d}-{day:02d}"
        out += [f"  - id: item-{i}", f"    kind: {kind}", f"    title: 事项{i}", f"    when: \"{when}\"",
                f"    owners: [{', '.join(owners)}]"]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


class Daemon:
    """A child almanacd with its own notify socket; stderr lines are kept with their arrival time."""

    def __init__(self, config, name, binary=None):
        self.config = config
        self.binary = binary or args.almanacd
        self.notify_path = os.path.join(work, f"notify-{name}.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.notify_path)
        self.sock.settimeout(120)
        self.lines = []
        self.proc = None

    def until(self, marker):
        while True:
            message = self.sock.recv(65536).decode(errors="replace")
            if marker in message.split("\n"):
                return message

    def launch(self):
        """Starts the process; does not wait for READY=1."""
        env = dict(os.environ, NOTIFY_SOCKET=self.notify_path)
        for name in ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"):
            env.pop(name, None)
        self.proc = subprocess.Popen([self.binary, "--config", self.config], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        threading.Thread(target=self._read, daemon=True).start()

    def start(self):
        t0 = time.monotonic()
        self.launch()
        try:
            self.until("READY=1")
        except socket.timeout:
            self.proc.kill()
            sys.exit(f"almanacd sent no READY=1 in 120 s; its last lines:\n" + "".join(l for _, l in self.lines[-20:]))
        return time.monotonic() - t0

    def _read(self):
        for raw in self.proc.stderr:
            self.lines.append((time.time(), raw.decode(errors="replace")))

    def stop(self):
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        return time.monotonic() - t0, code

    def reload(self):
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGHUP)
        self.until("READY=1")
        return time.monotonic() - t0

    def threads(self):
        counts = {}
        for tid in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                with open(f"/proc/{self.proc.pid}/task/{tid}/status") as f:
                    fields = dict(l.split(":", 1) for l in f if ":" in l)
                counts[tid] = (int(fields["voluntary_ctxt_switches"]), int(fields["nonvoluntary_ctxt_switches"]),
                               fields["Name"].strip())
            except FileNotFoundError:
                pass
        return counts

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            fields = dict(l.split(":", 1) for l in f if ":" in l)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.sock.close()


def settle(daemon, seconds=3.0):
    """Waits until the daemon's stderr has been quiet for `seconds` (start-up work, catch-up)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        count = len(daemon.lines)
        time.sleep(seconds)
        if len(daemon.lines) == count:
            return


def measure_daemon(label, config):
    starts = []
    for _ in range(START_RUNS - 1):
        d = Daemon(config, f"{label}-start{len(starts)}")
        starts.append(d.start())
        d.stop()
        d.close()
    d = Daemon(config, label)
    starts.append(d.start())
    figure(f"daemon start to READY=1, {label}", ms(statistics.median(starts)),
           f"median of {len(starts)}: {', '.join(ms(x) for x in starts)}")
    settle(d)
    rss, hwm = d.rss_mib()
    figure(f"daemon idle RSS, {label}", f"{rss:.1f} MiB", f"VmHWM {hwm:.1f} MiB")
    before, t0 = d.threads(), time.monotonic()
    lines_before = len(d.lines)
    time.sleep(IDLE_SECONDS)
    after, elapsed = d.threads(), time.monotonic() - t0
    by_thread = {t: after[t][0] - before.get(t, (0, 0))[0] for t in after}
    voluntary = sum(by_thread.values())
    involuntary = sum(after[t][1] - before.get(t, (0, 0, ""))[1] for t in after)
    busiest = ", ".join(f"{after[t][2]} {n}" for t, n in sorted(by_thread.items(), key=lambda x: -x[1]) if n)
    per_hour = voluntary * 3600 / elapsed
    figure(f"daemon idle wake-ups, {label}", f"{per_hour:.0f} per hour",
           f"{voluntary} voluntary context switches of {len(after)} threads in {elapsed:.0f} s "
           f"({busiest or 'none'}), {involuntary} involuntary; {len(d.lines) - lines_before} log lines; "
           f"threads gone: {len(set(before) - set(after))}, new: {len(set(after) - set(before))}")
    reloads = [d.reload() for _ in range(RELOAD_RUNS)]
    figure(f"daemon reload (SIGHUP to READY=1), {label}", ms(statistics.median(reloads)),
           f"median of {len(reloads)}, p90 {ms(pct(reloads, 90))}")
    stop, code = d.stop()
    time.sleep(0.2)
    fatal = next((l.strip() for _, l in d.lines if "Fatal error" in l or "crashed" in l), "")
    figure(f"daemon SIGTERM to exit, {label}", ms(stop),
           f"exit status {code}" if code >= 0 else f"killed by signal {-code}: {fatal or 'see its stderr'}")
    d.close()


def status_request(i):
    return json.dumps({"v": 1, "id": i, "cmd": "status"}).encode() + b"\n"


def read_line(conn, buf):
    while b"\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    line, _, rest = buf.partition(b"\n")
    return line, rest


def socket_figures(label, path, check):
    """Round trips of `status` (or of the echo reference) on `path`."""
    conn = socket.socket(socket.AF_UNIX)
    conn.connect(path)
    buf, times = b"", []
    for i in range(50):  # warm-up
        conn.sendall(status_request(i))
        line, buf = read_line(conn, buf)
    check(line)
    t_all = time.perf_counter()
    for i in range(SOCKET_REQUESTS):
        t0 = time.perf_counter()
        conn.sendall(status_request(i))
        line, buf = read_line(conn, buf)
        times.append(time.perf_counter() - t0)
    total = time.perf_counter() - t_all
    figure(f"socket {label} round trip, one connection", f"p50 {us(pct(times, 50))}, p99 {us(pct(times, 99))}",
           f"{SOCKET_REQUESTS} sequential requests")
    figure(f"socket {label} requests per second, one connection", f"{SOCKET_REQUESTS / total:.0f}/s")
    # Pipelined: every request written at once, then every reply read.
    payload = b"".join(status_request(i) for i in range(SOCKET_REQUESTS))
    t0 = time.perf_counter()
    sender = threading.Thread(target=conn.sendall, args=(payload,))
    sender.start()
    for _ in range(SOCKET_REQUESTS):
        line, buf = read_line(conn, buf)
    sender.join()
    total = time.perf_counter() - t0
    figure(f"socket {label} requests per second, pipelined", f"{SOCKET_REQUESTS / total:.0f}/s",
           f"{SOCKET_REQUESTS} requests in one write")
    conn.close()
    times = []
    for i in range(SOCKET_REQUESTS // 4):
        t0 = time.perf_counter()
        c = socket.socket(socket.AF_UNIX)
        c.connect(path)
        c.sendall(status_request(i))
        read_line(c, b"")
        c.close()
        times.append(time.perf_counter() - t0)
    figure(f"socket {label} round trip, new connection each", f"p50 {us(pct(times, 50))}, p99 {us(pct(times, 99))}",
           f"{len(times)} requests")


def concurrent_client(path, requests):
    """One of the concurrent clients (a process of its own: no shared interpreter lock)."""
    conn = socket.socket(socket.AF_UNIX)
    conn.connect(path)
    buf, times = b"", []
    for i in range(20):  # warm-up
        conn.sendall(status_request(i))
        _, buf = read_line(conn, buf)
    for i in range(requests):
        t0 = time.perf_counter()
        conn.sendall(status_request(i))
        _, buf = read_line(conn, buf)
        times.append(time.perf_counter() - t0)
    conn.close()
    return times


def concurrent_figures(label, path, clients=8):
    """`clients` connections at once, each asking in sequence: p50/p99 over every answer, and the
    answers per second of all of them together. The clients are processes on the same cores."""
    import multiprocessing
    requests = SOCKET_REQUESTS
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        t0 = time.perf_counter()
        results = pool.starmap(concurrent_client, [(path, requests)] * clients)
        total = time.perf_counter() - t0
    times = [t for r in results for t in r]
    figure(f"socket {label} round trip, {clients} clients at once",
           f"p50 {us(pct(times, 50))}, p99 {us(pct(times, 99))}, {len(times) / total:.0f}/s",
           f"{clients} × {requests} sequential requests")


def echo_server(path, ready):
    """The reference: one reply line per request line, nothing else (as lean as a server gets)."""
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(16)
    ready.set()
    while True:
        conn, _ = server.accept()
        threading.Thread(target=echo_connection, args=(conn,), daemon=True).start()


def echo_connection(conn):
    with conn:
        buf = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return
            buf += chunk
            lines = buf.split(b"\n")
            buf = lines.pop()
            conn.sendall(b"".join(b'{"ok":true}\n' for _ in lines))


def measure_socket(configs):
    """`status` on the control socket of a daemon for each (label, config), then the echo server."""
    def check_status(line):
        reply = json.loads(line)
        if not reply.get("ok"):
            sys.exit(f"status failed on the control socket: {line!r}")

    for n, (label, config) in enumerate(configs):
        d = Daemon(config, f"socket-{n}")
        d.start()
        settle(d, 1.0)
        wait_idle(d.proc.pid)  # the work after READY (re-plan, feeds) is not what is measured
        path = os.path.join(os.path.dirname(config), "run/control.sock")
        socket_figures(f"status, {label},", path, check_status)
        concurrent_figures(f"status, {label},", path)
        times = []
        env = dict(os.environ, ALMANAC_SOCKET=path)
        for _ in range(10 if args.quick else 30):
            t0 = time.perf_counter()
            subprocess.run([args.almanacctl, "status"], env=env, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - t0)
        figure(f"socket almanacctl status (a process), {label}", f"p50 {ms(pct(times, 50))}, p99 {ms(pct(times, 99))}",
               f"{len(times)} runs")
        d.stop()
        d.close()
    echo_path = os.path.join(work, "echo.sock")
    ready = threading.Event()
    threading.Thread(target=echo_server, args=(echo_path, ready), daemon=True).start()
    ready.wait()
    socket_figures("reference echo", echo_path, lambda line: None)
    concurrent_figures("reference echo", echo_path)


def measure_lateness():
    """A plan with one item due at the next whole minute (at least 15 s ahead, in the plan's zone)."""
    now = datetime.datetime.now(zone)
    due = (now + datetime.timedelta(seconds=15)).replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    directory = os.path.join(work, "lateness")
    os.makedirs(os.path.join(directory, "plans"))
    with open(os.path.join(directory, "plans/probe.yaml"), "w") as f:
        f.write(f"plan:\n  id: lateness-probe\n  name: lateness probe\n  years: [{due.year}]\n"
                f"  timezone: Asia/Shanghai\nunits:\n  probe:\n    name: 测试单位\n    mail: [probe@example.org]\n"
                f"items:\n  - id: lateness-probe\n    kind: task\n    title: latenessprobe\n"
                f"    when: \"{due:%Y-%m-%d}\"\n    owners: [probe]\n"
                f"    remind: {{leads: [0d], time: \"{due:%H:%M}\"}}\n")
    config = write_config(directory, os.path.join(directory, "plans/*.yaml"))
    d = Daemon(config, "lateness")
    d.start()
    due_epoch = due.timestamp()
    deadline = due_epoch + 90
    seen = None
    while time.time() < deadline and seen is None:
        time.sleep(0.01)
        for at, line in list(d.lines):
            if "latenessprobe" in line and at >= due_epoch - 5:
                seen = at
                break
    d.stop()
    d.close()
    if seen is None:
        figure("reminder lateness against its due instant", "no reminder line within 90 s of the due instant")
        return
    figure("reminder lateness against its due instant", ms(seen - due_epoch),
           f"due {due:%H:%M:%S %z}, stderr line read by the parent")


def measure_rules():
    """The same dates from almanacctl expand and from systemd-analyze calendar, as processes."""
    if not shutil.which("systemd-analyze"):
        figure("rules", "systemd-analyze not installed; skipped")
        return
    pairs = [("weekly tue,fri", "Tue,Fri *-*-* 00:00:00", 104),
             ("monthly last fri", "Fri *-*~07/1 00:00:00", 12)]
    runs = 10 if args.quick else 30
    env = dict(os.environ, ALMANAC_HOLIDAYS=os.path.join(root, "config/holidays"))
    # The cost of starting the process at all, to read the figures below against.
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([args.almanacctl, "--version"], check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    figure("rules almanacctl --version (a process, the start-up floor)", f"p50 {ms(pct(times, 50))}", f"{runs} runs")
    for ours, theirs, n in pairs:
        for label, command in (
            (f"almanacctl expand '{ours}' --year 2026", [args.almanacctl, "expand", ours, "--year", "2026"]),
            (f"systemd-analyze calendar --iterations={n} '{theirs}'",
             ["systemd-analyze", "calendar", f"--iterations={n}", theirs]),
        ):
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
                times.append(time.perf_counter() - t0)
            figure(f"rules {label} (a process)", f"p50 {ms(pct(times, 50))}",
                   f"{runs} runs, p90 {ms(pct(times, 90))}, {len(out.splitlines())} lines of output")


def run_measured(command, env=None):
    """Runs `command` to completion: (seconds, peak RSS in MiB, stdout bytes, CPU seconds). The peak
    is the child's ru_maxrss, which Linux floors at this process's own peak RSS (the high-water
    mark of the memory the child starts in carries across exec): keep this process small."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed with status {proc.returncode}")
    return elapsed, usage.ru_maxrss / 1024, out, usage.ru_utime + usage.ru_stime


def measure_agenda():
    """A year's agenda of 10,000 items offline beside remind(1) on the same reminders; with
    --almanacctl-static, the static almanacctl beside the dynamic one, run in turn."""
    if not shutil.which("remind"):
        figure("agenda", "remind not installed (apt-get install remind); skipped")
        return
    directory = os.path.join(work, "agenda")
    os.makedirs(directory)
    plan, rem = os.path.join(directory, "plan.yaml"), os.path.join(directory, "plan.rem")
    subprocess.run([sys.executable, os.path.join(root, "scripts/generate-plan.py"), "--items", "10000", "--mix", "yearly",
                    "--remind", rem, plan], check=True)
    base = dict(os.environ, ALMANAC_HOLIDAYS=os.path.join(root, "config/holidays"), ALMANAC_NOW="2026-01-01T08:00:00+08:00")
    # Cold: no plan cache at all. Warm: a hit in a plan cache of the binary's own directory,
    # filled by one run that is not timed (docs/cli.md, "The plan cache").
    cold = dict(base, ALMANAC_CACHE="off")
    year = ["--from", "2026-01-01", "--to", "2026-12-31"]
    runs = 3 if args.quick else 5
    modes = (("--json, cold (no cache)", ["--json"], False), ("(table), cold (no cache)", [], False),
             ("--json, warm (cache hit)", ["--json"], True), ("(table), warm (cache hit)", [], True))
    # The builds run in turn, run by run, so that a change in the machine's load falls on both.
    # (build, mode) -> [(seconds, peak MiB, CPU seconds)], and the last run's output: only one
    # output each is kept, since a child's peak RSS (ru_maxrss) counts this process's as a floor.
    measured, outputs = {}, {}
    for build, binary in ctl_builds:
        warm = dict(base, ALMANAC_CACHE="on", XDG_CACHE_HOME=os.path.join(directory, "cache", build))
        for mode, options, hit in modes:
            measured[build, mode] = ([binary, "agenda", "--plan", plan, *year, *options], warm if hit else cold, [])
            if hit:
                run_measured(measured[build, mode][0], warm)
    for mode, _, _ in modes:
        for _ in range(runs):
            for build, _ in ctl_builds:
                command, env, results = measured[build, mode]
                seconds, peak, outputs[build, mode], cpu = run_measured(command, env)
                results.append((seconds, peak, cpu))
    remind = []
    for _ in range(runs):
        seconds, peak, theirs, cpu = run_measured(["remind", "-s12", rem, "2026-01-01"], base)
        remind.append((seconds, peak, cpu))

    def report(label, results, output):
        seconds = statistics.median(m[0] for m in results)
        cpu = statistics.median(m[2] for m in results)
        figure(f"agenda {label}", f"{ms(seconds)} wall, {ms(cpu)} CPU, peak RSS {max(m[1] for m in results):.0f} MiB",
               f"median of {runs}, {len(output.splitlines())} lines of output")
        return seconds, cpu

    remind_time, remind_cpu = report("remind -s12 … 2026-01-01", remind, theirs)
    for build, _ in ctl_builds:
        times = {mode: report(f"almanacctl agenda --plan … {mode}, {build}", measured[build, mode][2], outputs[build, mode])
                 for mode, _, _ in modes}
        for kind in ("cold (no cache)", "warm (cache hit)"):
            (json_time, json_cpu), (table_time, table_cpu) = times[f"--json, {kind}"], times[f"(table), {kind}"]
            figure(f"agenda speed-up over remind, {kind}, {build} (JSON; table)",
                   f"wall {remind_time / json_time:.1f}×; {remind_time / table_time:.1f}×, "
                   f"CPU {remind_cpu / json_cpu:.1f}×; {remind_cpu / table_cpu:.1f}×")
        output = {mode: outputs[build, mode] for mode, _, _ in modes}
        same_bytes = all(output[f"{what}, warm (cache hit)"] == output[f"{what}, cold (no cache)"] for what in ("--json", "(table)"))
        figure(f"agenda warm output identical to cold (JSON and table, byte for byte), {build}", "yes" if same_bytes else "NO")
        # The same occurrences: remind's (date, title) pairs against ours for the items remind holds.
        theirs_pairs = []
        for line in theirs.decode().splitlines():
            date, _, _, _, _, title = line.split(" ", 5)
            theirs_pairs.append((date.replace("/", "-"), title))
        titles = {title for _, title in theirs_pairs}
        ours_pairs = [(e["date"], e["title"]) for e in json.loads(output["--json, cold (no cache)"])["entries"] if e["title"] in titles]
        same = sorted(ours_pairs) == sorted(theirs_pairs)
        missing = len(set(theirs_pairs) - set(ours_pairs))
        extra = len(set(ours_pairs) - set(theirs_pairs))
        figure(f"agenda same occurrences as remind, {build}", "yes" if same else "NO",
               f"{len(theirs_pairs)} (date, title) pairs from remind, {len(ours_pairs)} from almanacctl for the same "
               f"items; {missing} only in remind, {extra} only in almanacctl")
    if len(ctl_builds) > 1:
        same_builds = all(outputs[ctl_builds[0][0], mode] == outputs[build, mode]
                          for build, _ in ctl_builds[1:] for mode, _, _ in modes)
        figure("agenda output identical in every build (JSON and table, cold and warm)", "yes" if same_builds else "NO")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK")


class StatusProbe:
    """`status` requests one after another on the control socket while something else happens:
    every round trip's time, and the requests that failed."""

    def __init__(self, path):
        self.path, self.times, self.failures, self.stop = path, [], 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        conn, buf, i = None, b"", 0
        while not self.stop.is_set():
            try:
                if conn is None:
                    conn = socket.socket(socket.AF_UNIX)
                    conn.settimeout(30)
                    conn.connect(self.path)
                    buf = b""
                t0 = time.perf_counter()
                conn.sendall(status_request(i))
                line, buf = read_line(conn, buf)
                self.times.append(time.perf_counter() - t0)
                if not json.loads(line).get("ok"):
                    self.failures += 1
            except (OSError, ConnectionError, ValueError):
                self.failures += 1
                conn = None
                time.sleep(0.01)
            i += 1
            time.sleep(0.002)

    def finish(self):
        self.stop.set()
        self.thread.join()
        return self.times, self.failures


def wait_idle(pid, quiet=1.0, limit=600, busy=0.2):
    """Seconds until the process used less than `busy` of a CPU over `quiet` seconds (the status
    probe running beside it answers requests, so it is never at zero)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        before = cpu_seconds(pid)
        time.sleep(quiet)
        if cpu_seconds(pid) - before < busy * quiet:
            return time.monotonic() - t0 - quiet
    return time.monotonic() - t0


def measure_growth():
    """Reload time, peak RSS and the socket for plans of growing numbers of occurrences."""
    generator = os.path.join(root, "scripts/generate-plan.py")
    cases = [(f"{n} items weekly mon,wed,fri", ["--items", str(n), "--mix", "weekly"], None) for n in (100, 500, 2000)]
    cases.append(("1 item daily at 1,440 times", ["--items", "1", "--mix", "minutes"],
                  {"occurrences": 1_000_000, "occurrences_per_item": 1_000_000}))
    print("# growth: plan | occurrences | SIGHUP to READY=1 | READY to idle | CPU after READY | peak RSS | idle RSS | "
          "status during reload and re-plan (p50/p99/max, failed)", flush=True)
    for label, options, limits in cases:
        directory = os.path.join(work, "growth-" + options[1] + options[3])
        os.makedirs(os.path.join(directory, "plans"))
        plan = os.path.join(directory, "plans/plan.yaml")
        # Start on one small item, then reload onto the plan measured: a reload is what grows.
        subprocess.run([sys.executable, generator, "--items", "1", "--mix", "yearly", plan], check=True)
        config = write_config(directory, os.path.join(directory, "plans/*.yaml"), limits=limits)
        d = Daemon(config, "growth-" + options[1] + options[3])
        d.start()
        settle(d, 1.0)
        subprocess.run([sys.executable, generator, *options, plan], check=True)
        probe = StatusProbe(os.path.join(directory, "run/control.sock"))
        cpu0 = cpu_seconds(d.proc.pid)
        reload = d.reload()
        cpu1 = cpu_seconds(d.proc.pid)
        idle = wait_idle(d.proc.pid)
        cpu2 = cpu_seconds(d.proc.pid)
        times, failures = probe.finish()
        rss, hwm = d.rss_mib()
        with open(os.path.join(directory, "run/status.json")) as f:
            status = json.load(f)
        occurrences = (status.get("plan") or {}).get("occurrences", "?")
        accepted = (status.get("last_reload") or {}).get("accepted")
        figure(f"growth {label}",
               f"{occurrences} occurrences, reload {ms(reload)}, idle after {idle:.2f} s, peak RSS {hwm:.0f} MiB",
               f"accepted {accepted}; CPU {cpu1 - cpu0:.2f} s to READY and {cpu2 - cpu1:.2f} s after; idle RSS {rss:.0f} MiB; "
               f"status {len(times)} answered: p50 {us(pct(times, 50)) if times else '-'}, p99 {us(pct(times, 99)) if times else '-'}, "
               f"max {ms(max(times)) if times else '-'}, {failures} failed")
        d.stop()
        d.close()
    # The same daily item under the default limits: refused, the old plan kept, the item named.
    directory = os.path.join(work, "growth-over-limit")
    os.makedirs(os.path.join(directory, "plans"))
    plan = os.path.join(directory, "plans/plan.yaml")
    subprocess.run([sys.executable, generator, "--items", "1", "--mix", "yearly", plan], check=True)
    d = Daemon(write_config(directory, os.path.join(directory, "plans/*.yaml")), "growth-over-limit")
    d.start()
    settle(d, 1.0)
    subprocess.run([sys.executable, generator, "--items", "1", "--mix", "minutes", plan], check=True)
    probe = StatusProbe(os.path.join(directory, "run/control.sock"))
    reload = d.reload()
    times, failures = probe.finish()
    rss, hwm = d.rss_mib()
    with open(os.path.join(directory, "run/status.json")) as f:
        status = json.load(f)
    last = status.get("last_reload") or {}
    diagnostic = next((line for line in last.get("diagnostics", []) if "error" in line), "no diagnostic")
    figure("growth over-limit plan (daily at 1,440 times, default limits)",
           f"{'refused' if last.get('accepted') is False else 'ACCEPTED'} in {ms(reload)}, peak RSS {hwm:.0f} MiB",
           f"{diagnostic.replace(directory + '/', '')}; old plan kept: {(status.get('plan') or {}).get('items')} item; "
           f"status {len(times)} answered, {failures} failed")
    d.stop()
    d.close()


def measure_stop():
    """10,000 items of the office mix (scripts/generate-plan.py's default, the plan issue 14
    describes): `status` round trips while reloads run, then SIGTERM at 20 random moments (while
    the first plan loads, after READY while the start-up work runs, during a reload, after one):
    the time to exit, the exit status, and whether STOPPING=1 came (and no READY=1 after it)."""
    directory = os.path.join(work, "stop")
    os.makedirs(os.path.join(directory, "plans"))
    subprocess.run([sys.executable, os.path.join(root, "scripts/generate-plan.py"), "--items", "10000",
                    os.path.join(directory, "plans/office-10000.yaml")], check=True)
    config = write_config(directory, os.path.join(directory, "plans/*.yaml"))
    d = Daemon(config, "stop-status")
    ready_time = d.start()
    settle(d, 1.0)
    wait_idle(d.proc.pid)
    probe = StatusProbe(os.path.join(directory, "run/control.sock"))
    reloads = [d.reload() for _ in range(RELOAD_RUNS)]
    times, failures = probe.finish()
    figure("stop status during reloads of 10,000 office-mix items",
           f"p50 {us(pct(times, 50))}, p99 {us(pct(times, 99))}, max {ms(max(times))}",
           f"{len(times)} answered, {failures} failed, during {len(reloads)} reloads (median {ms(statistics.median(reloads))})")
    d.stop()
    d.close()
    reload_time = statistics.median(reloads)
    rng = random.Random()
    exits, clean = [], 0
    print("# stop: try | moment | SIGTERM to exit | exit status | STOPPING=1 | READY=1 after it", flush=True)
    for attempt in range(20):
        d = Daemon(config, f"stop-{attempt}")
        moment = rng.choice(["during the start", "after READY", "during a reload", "after a reload"])
        if moment == "during the start":
            d.launch()
            delay = rng.uniform(0, ready_time)
        elif moment == "after READY":
            d.start()
            delay = rng.uniform(0, 3)
        elif moment == "during a reload":
            d.start()
            d.proc.send_signal(signal.SIGHUP)
            d.until("RELOADING=1")
            delay = rng.uniform(0, reload_time)
        else:
            d.start()
            d.reload()
            delay = rng.uniform(0, 2)
        time.sleep(delay)
        exited = {}
        waiter = threading.Thread(target=lambda: exited.setdefault("at", (d.proc.wait(), time.monotonic())))
        t0 = time.monotonic()
        d.proc.send_signal(signal.SIGTERM)
        waiter.start()
        d.sock.settimeout(0.05)
        messages = []
        while True:
            try:
                messages.append(d.sock.recv(65536).decode(errors="replace"))
            except socket.timeout:
                if "at" in exited:
                    break
        waiter.join()
        code, at = exited["at"]
        stopping = next((i for i, m in enumerate(messages) if "STOPPING=1" in m.split("\n")), None)
        ready_after = stopping is not None and any(m.startswith("READY=1") for m in messages[stopping:])
        elapsed = at - t0
        exits.append(elapsed)
        ok = code == 0 and stopping is not None and not ready_after and elapsed <= 2.0
        clean += ok
        print(f"  {attempt + 1:2d} | {moment} +{delay:.2f} s | {ms(elapsed)} | {code} | "
              f"{'yes' if stopping is not None else 'NO'} | {'YES' if ready_after else 'no'}", flush=True)
        d.close()
    figure("stop SIGTERM at 20 random moments, 10,000 office-mix items", f"{clean} of 20 clean within 2 s",
           f"exit after p50 {ms(pct(exits, 50))}, max {ms(max(exits))}")


SHAPES = {
    # name: (label, generate-plan.py options, limits)
    "units": ("10,000 items, 1,000 units with robots", ["--items", "10000", "--units", "1000", "--robots"], None),
    "checklist": ("5,000 indicators over 800 units", ["--items", "500", "--units", "800", "--checklist", "5000"], None),
    "calendar": ("10,000 calendar-heavy rules", ["--items", "10000", "--mix", "calendar"], None),
    "big": ("50,000 items (office mix)", ["--items", "50000"], {"occurrences": 2_000_000}),
    "split": ("10,000 items in 200 include files", ["--items", "10000", "--split", "200"], None),
    "office": ("10,000 items (office mix, one file)", ["--items", "10000"], None),
}


def runtime_sizes(directory):
    """(files, bytes, largest name, largest bytes) of the runtime directory, feeds included."""
    count, total, largest = 0, 0, ("-", 0)
    for base, _, names in os.walk(directory):
        for name in names:
            if name.endswith(".sock"):
                continue
            size = os.path.getsize(os.path.join(base, name))
            count, total = count + 1, total + size
            if size > largest[1]:
                largest = (os.path.relpath(os.path.join(base, name), directory), size)
    return count, total, largest


def measure_shape(name):
    label, options, limits = SHAPES[name]
    directory = os.path.join(work, "shape-" + name)
    os.makedirs(os.path.join(directory, "plans"))
    plan = os.path.join(directory, "plans/plan.yaml")
    t0 = time.monotonic()
    subprocess.run([sys.executable, os.path.join(root, "scripts/generate-plan.py"), *options, plan], check=True)
    config = write_config(directory, os.path.join(directory, "plans/*.yaml"), limits=limits)
    print(f"# shape {name}: {label}; plan {os.path.getsize(plan) / 1e6:.1f} MB written in "
          f"{time.monotonic() - t0:.1f} s; load average {os.getloadavg()[0]:.2f}", flush=True)
    d = Daemon(config, "shape-" + name)
    ready = d.start()
    cpu_ready = cpu_seconds(d.proc.pid)
    busy = wait_idle(d.proc.pid)
    cpu_settled = cpu_seconds(d.proc.pid)
    rss, hwm = d.rss_mib()
    figure(f"shape {name} start to READY=1", ms(ready),
           f"{cpu_ready:.2f} CPU s; then busy {busy:.1f} s more ({cpu_settled - cpu_ready:.2f} CPU s); "
           f"RSS {rss:.0f} MiB, peak {hwm:.0f} MiB; load {os.getloadavg()[0]:.2f}")
    control = os.path.join(directory, "run/control.sock")
    if name == "checklist":
        env = dict(os.environ, ALMANAC_SOCKET=control)
        t0, c0 = time.monotonic(), cpu_seconds(d.proc.pid)
        done = subprocess.run([args.almanacctl, "progress", "import", plan + ".progress.csv"], env=env,
                              capture_output=True, text=True)
        took = time.monotonic() - t0
        busy = wait_idle(d.proc.pid)
        figure(f"shape {name} progress import (almanacctl, half the leaves)", ms(took),
               f"exit {done.returncode} {(done.stdout + done.stderr).strip()[:160]!r}; daemon CPU "
               f"{cpu_seconds(d.proc.pid) - c0:.2f} s; busy {busy:.1f} s after")
        times = []
        for code in ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10"):
            t0 = time.monotonic()
            subprocess.run([args.almanacctl, "progress", "set", code, "--status", "submitted"], env=env,
                           capture_output=True)
            times.append(time.monotonic() - t0)
        figure(f"shape {name} almanacctl progress set (a process)", f"p50 {ms(pct(times, 50))}, max {ms(max(times))}",
               f"{len(times)} runs (a parent is refused, a leaf recorded)")
        for view in (["progress"], ["progress", "--json"], ["status", "--json"]):
            t0 = time.monotonic()
            out = subprocess.run([args.almanacctl, *view], env=env, capture_output=True)
            figure(f"shape {name} almanacctl {' '.join(view)}", ms(time.monotonic() - t0),
                   f"exit {out.returncode}, {len(out.stdout)} bytes")
        wait_idle(d.proc.pid)
    socket_figures(f"shape {name} status,", control, lambda line: None)
    concurrent_figures(f"shape {name} status,", control)
    c0, t0 = cpu_seconds(d.proc.pid), time.monotonic()
    time.sleep(30 if not args.quick else 10)
    figure(f"shape {name} idle CPU", f"{cpu_seconds(d.proc.pid) - c0:.2f} s in {time.monotonic() - t0:.0f} s",
           f"load {os.getloadavg()[0]:.2f}")
    probe = StatusProbe(control)
    reloads, cpu = [], []
    for _ in range(3):
        c0 = cpu_seconds(d.proc.pid)
        reloads.append(d.reload())
        wait_idle(d.proc.pid)
        cpu.append(cpu_seconds(d.proc.pid) - c0)
    times, failures = probe.finish()
    rss, hwm = d.rss_mib()
    figure(f"shape {name} reload (SIGHUP to READY=1)", ms(statistics.median(reloads)),
           f"{', '.join(ms(r) for r in reloads)}; CPU per reload incl. the work after READY "
           f"{statistics.median(cpu):.2f} s; status during: p50 {us(pct(times, 50)) if times else '-'}, "
           f"p99 {us(pct(times, 99)) if times else '-'}, max {ms(max(times)) if times else '-'}, {len(times)} answered, "
           f"{failures} failed; RSS {rss:.0f} MiB, peak {hwm:.0f} MiB; load {os.getloadavg()[0]:.2f}")
    count, total, (largest, size) = runtime_sizes(os.path.join(directory, "run"))
    figure(f"shape {name} runtime files", f"{count} files, {total / 1e6:.1f} MB", f"largest {largest} {size / 1e6:.1f} MB")
    # SIGTERM in the middle of a reload.
    d.proc.send_signal(signal.SIGHUP)
    d.until("RELOADING=1")
    time.sleep(min(reloads) / 2)
    stop, code = d.stop()
    figure(f"shape {name} SIGTERM during a reload", ms(stop), f"exit status {code}")
    d.close()


def smaps_split(pid, top=6):
    """(RssAnon, RssFile, Pss) in MiB and the `top` mappings by resident size, from /proc/PID."""
    with open(f"/proc/{pid}/status") as f:
        fields = dict(l.split(":", 1) for l in f if ":" in l)
    anon, file = (int(fields[k].split()[0]) / 1024 for k in ("RssAnon", "RssFile"))
    by_mapping, name, pss = {}, "", 0
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if not parts[0].endswith(":"):
                name = os.path.basename(parts[5]) if len(parts) > 5 else "[anonymous]"
            elif parts[0] == "Rss:":
                by_mapping[name] = by_mapping.get(name, 0) + int(parts[1])
            elif parts[0] == "Pss:":
                pss += int(parts[1])
    largest = sorted(by_mapping.items(), key=lambda kv: -kv[1])[:top]
    return anon, file, pss / 1024, ", ".join(f"{n} {kb / 1024:.1f}" for n, kb in largest)


def measure_memory(configs):
    """Idle RSS, split, for each binary and plan, one daemon at a time, in the same run."""
    binaries = [(DYNAMIC, args.almanacd)]
    if args.almanacd_static:
        binaries.append((STATIC, args.almanacd_static))
    for label, config in configs:
        for kind, binary in binaries:
            d = Daemon(config, f"memory-{len(label)}-{len(kind)}", binary)
            ready = d.start()
            settle(d)
            time.sleep(20)  # the feed build after READY and the malloc_trim after it are over
            rss, hwm = d.rss_mib()
            anon, file, pss, largest = smaps_split(d.proc.pid)
            figure(f"daemon idle RSS split, {label}, {kind}",
                   f"{rss:.1f} MiB = RssAnon {anon:.1f} + RssFile {file:.1f}",
                   f"Pss {pss:.1f} MiB, VmHWM {hwm:.1f} MiB, READY after {ms(ready)}; largest mappings (MiB): {largest}")
            reload = d.reload()
            settle(d)
            time.sleep(20)
            rss, hwm = d.rss_mib()
            anon, file, pss, _ = smaps_split(d.proc.pid)
            figure(f"daemon idle RSS split after a reload, {label}, {kind}",
                   f"{rss:.1f} MiB = RssAnon {anon:.1f} + RssFile {file:.1f}",
                   f"Pss {pss:.1f} MiB, VmHWM {hwm:.1f} MiB, reload (SIGHUP to READY=1) {ms(reload)}; "
                   f"load {os.getloadavg()[0]:.2f}")
            d.stop()
            d.close()


try:
    for path in (args.almanacd, *(binary for _, binary in ctl_builds), *([args.almanacd_static] if args.almanacd_static else [])):
        if not os.access(path, os.X_OK):
            sys.exit(f"{path} not found: swift build -c release --product almanacd; swift build -c release --product almanacctl")
    sample = write_config(os.path.join(work, "sample"), f"{root}/config/plans/*.yaml")
    print(f"# almanacd {args.almanacd}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at start",
          flush=True)
    if "daemon" in sections:
        measure_daemon("sample plan", sample)
        os.makedirs(os.path.join(work, "big/plans"))
        write_big_plan(os.path.join(work, "big/plans/bench-10000.yaml"))
        measure_daemon("10,000-item plan", write_config(os.path.join(work, "big"), os.path.join(work, "big/plans/*.yaml")))
    if "socket" in sections:
        socket_big = os.path.join(work, "socket-big")
        os.makedirs(os.path.join(socket_big, "plans"))
        write_big_plan(os.path.join(socket_big, "plans/bench-10000.yaml"))
        measure_socket([("sample plan", write_config(os.path.join(work, "socket"), f"{root}/config/plans/*.yaml")),
                        ("10,000-item plan", write_config(socket_big, os.path.join(socket_big, "plans/*.yaml")))])
    if "lateness" in sections:
        measure_lateness()
    if "rules" in sections:
        measure_rules()
    if "agenda" in sections:
        measure_agenda()
    if "growth" in sections:
        measure_growth()
    if "stop" in sections:
        measure_stop()
    if "shapes" in sections:
        for shape in args.shape.split(","):
            measure_shape(shape)
    if "memory" in sections:
        big = os.path.join(work, "memory-big")
        os.makedirs(os.path.join(big, "plans"))
        write_big_plan(os.path.join(big, "plans/bench-10000.yaml"))
        office = os.path.join(work, "memory-office")
        os.makedirs(os.path.join(office, "plans"))
        subprocess.run([sys.executable, os.path.join(root, "scripts/generate-plan.py"), "--items", "10000",
                        os.path.join(office, "plans/office-10000.yaml")], check=True)
        measure_memory([("sample plan", write_config(os.path.join(work, "memory-sample"), f"{root}/config/plans/*.yaml")),
                        ("10,000-item plan", write_config(big, os.path.join(big, "plans/*.yaml"))),
                        ("10,000 office-mix items", write_config(office, os.path.join(office, "plans/*.yaml")))])
    print(f"# load average {os.getloadavg()[0]:.2f} at the end", flush=True)
finally:
    shutil.rmtree(work, ignore_errors=True)
