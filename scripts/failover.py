#!/usr/bin/env python3
"""Several almanacd instances on one PostgreSQL database: failover, exactly once, and the same
workload on SQLite and on PostgreSQL side by side.

  check    (tests/stage-postgres.sh) three instances, a few hundred deliveries due over four
           minutes; the leader killed with SIGKILL several times, paused with SIGSTOP past its
           lease and resumed, PostgreSQL stopped for a minute; a mark made through a follower.
           Then every delivery must have been made exactly once (below). Exit status 1 otherwise.
  serve    (tests/stage-postgres.sh) starts PostgreSQL, runs the command after `--` with
           ALMANAC_TEST_POSTGRES set to its URL (the Swift store tests), stops PostgreSQL.
  measure  (scripts/bench.sh) 1,000 deliveries over five minutes, the leader killed 50 times at
           random moments and restarted each time: exactly once, and the takeover time (from the
           kill to the new leader's lease, database time) median and worst. Then the same burst of
           deliveries on SQLite and on PostgreSQL: deliveries per second and control `status`
           round trips (p50/p99) while they go out.

Exactly once, counted per delivery identity (`item@date/lead/channel/recipient`) over every
instance's journal file (its stderr, `<N>` lines) and the mail outbox (one .eml file per
Message-ID in the shared outbox directory, and the outbox table):
  - every delivery due is `sent` in the database, none pending or failed;
  - every journal delivery has exactly one entry, or two when one of them says it may be a repeat
    (`ALMANAC_POSSIBLE_REPEAT=1`: its first attempt was claimed by a process killed before it
    recorded the outcome; docs/state-store.md) — how many such repeats is reported;
  - every mail delivery has exactly one outbox row and one file, and no instance logged sending
    one message twice.

PostgreSQL is Debian's (`initdb`, `pg_ctl` from /usr/lib/postgresql/*/bin) in a temporary
directory, run as the user `postgres` when this runs as root. Nothing depends on the machine's
speed: every wait is for a state (READY=1, a count in the database) with a generous hang guard.

Usage: scripts/failover.py check|measure|throughput [--almanacd PATH] [--kills N]
       scripts/failover.py serve -- COMMAND...
"""
import argparse, datetime, glob, json, os, pwd, random, re, shutil, signal, socket, statistics, subprocess, sys
import tempfile, threading, time
from zoneinfo import ZoneInfo

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZONE = ZoneInfo("Asia/Shanghai")
REMINDER_IDS = ("0075d6d05bfd47f1967bccb451ecd250", "cb38356cc6944f0c8f22b30c90abb48d")  # on time, late
LEASE = 6  # seconds: short, so that the tests of a paused leader and of the database outage are short


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Failure(Exception):
    pass


def wait_for(what, predicate, timeout, interval=0.2):
    """Waits until `predicate()` is true; a hang guard, not a speed requirement."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


# MARK: - PostgreSQL

class Postgres:
    """A PostgreSQL server of our own in `directory`, on a free loopback port."""

    def __init__(self, directory):
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not candidates:
            raise Failure("PostgreSQL is not installed (apt-get install postgresql-15)")
        self.bin = os.path.dirname(candidates[-1])
        self.directory = directory
        self.data = os.path.join(directory, "data")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.user = None
        if os.geteuid() == 0:
            # initdb refuses to run as root: the cluster belongs to `postgres` (Debian's package
            # creates it), or to `nobody`.
            for name in ("postgres", "nobody"):
                try:
                    self.user = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
        os.makedirs(directory, exist_ok=True)
        os.chmod(directory, 0o755)
        parent = os.path.dirname(directory)
        while parent != "/":
            # The server's user must reach its directory.
            os.chmod(parent, os.stat(parent).st_mode | 0o011)
            parent = os.path.dirname(parent)
        if self.user:
            os.chown(directory, self.user.pw_uid, self.user.pw_gid)
        self.run("initdb", "-D", self.data, "-A", "trust", "-U", "almanac", "-E", "UTF8", "--no-sync")
        self.start()
        self.psql("CREATE DATABASE almanac", database="postgres")

    def run(self, tool, *arguments, check=True):
        command = [os.path.join(self.bin, tool), *arguments]
        if self.user:
            command = ["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}", "--clear-groups", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120, cwd=self.directory)

    def start(self):
        self.run("pg_ctl", "-D", self.data, "-l", os.path.join(self.directory, "server.log"), "-w", "-t", "120", "-o",
                 f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c max_connections=100", "start")

    def stop(self):
        self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "120", "stop")

    def url(self, database="almanac"):
        return f"postgresql://almanac@127.0.0.1:{self.port}/{database}"

    def psql(self, sql, database="almanac"):
        result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", self.url(database),
                                 "-c", sql], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise Failure(f"psql: {result.stderr.strip()}")
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def close(self):
        self.run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "-t", "60", "stop", check=False)


# MARK: - The workload

def holiday_tables(directory, years):
    """Tables that make every day a working day (every Saturday and Sunday a make-up day), so that
    reminders due today are due today whatever the weekday (a day off would move them)."""
    os.makedirs(os.path.join(directory, "cn"), exist_ok=True)
    today = datetime.date.today()
    for year in years:
        off = datetime.date(year, 1, 1) if abs((datetime.date(year, 1, 1) - today).days) > 10 else datetime.date(year, 7, 1)
        days, day = [], datetime.date(year, 1, 1)
        while day.year == year:
            if day.weekday() >= 5 and day != off:
                days.append(day.isoformat())
            day += datetime.timedelta(days=1)
        with open(os.path.join(directory, "cn", f"{year}.txt"), "w") as f:
            f.write(f"year {year}\nnotice 测试〔{year}〕1号 {year}-01-01 测试用：每天都是工作日\noff 国庆节 {off}\n"
                    f"work 国庆节 {', '.join(days)}\n")


def workload(path, items, minutes, first_due):
    """`items` items, each due at one of `minutes` whole minutes from `first_due` (the plan's zone),
    each reminded on the journal and by mail: 2 × items deliveries. Returns {item id: due}."""
    lines = ["plan: {id: failover, name: 主备切换测试, years: every, holidays: cn}",
             "units: {u1: {name: 一号单位, mail: [u1@example.org]}}", "items:"]
    due = {}
    for index in range(items):
        at = first_due + datetime.timedelta(minutes=index % minutes)
        due[f"item-{index}"] = at
        lines.append(f'  - {{id: item-{index}, kind: task, title: 任务{index}, when: "{at:%Y-%m-%d}", owners: [u1], '
                     f'remind: {{leads: [0d], time: "{at:%H:%M}"}}}}')
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return due


def next_minute(at_least_seconds):
    now = datetime.datetime.now(ZONE)
    return (now + datetime.timedelta(seconds=at_least_seconds + 60)).replace(second=0, microsecond=0)


# MARK: - almanacd instances

class Instance:
    """One almanacd: its configuration, its journal file (stderr, appended across restarts), its
    notify socket."""

    def __init__(self, work, name, almanacd, state, plans, holidays, outbox):
        self.name, self.almanacd = name, almanacd
        self.directory = os.path.join(work, name)
        os.makedirs(self.directory, exist_ok=True)
        self.config = os.path.join(self.directory, "almanac.yaml")
        self.journal = os.path.join(self.directory, "journal.log")
        self.socket = os.path.join(self.directory, "run", "control.sock")
        with open(self.config, "w") as f:
            f.write(f"plans: {plans}\nholidays: {holidays}\nstate_directory: {self.directory}/lib\n"
                    f"runtime_directory: {self.directory}/run\ncatch_up: 7d\nshutdown_timeout: 5s\n"
                    f"mail: {{transport: outbox, outbox: {outbox}}}\n")
            if state:
                f.write(f"state: {{url: \"{state}\", lease: {LEASE}s, instance: {name}}}\n")
        self.notify_path = os.path.join(self.directory, "notify.sock")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.notify_path)
        self.messages = []
        threading.Thread(target=self._listen, daemon=True).start()
        self.process = None

    def _listen(self):
        while True:
            try:
                data = self.notify.recv(65536)
            except OSError:
                return
            self.messages.append(data.decode(errors="replace"))

    def start(self, wait=True):
        env = dict(os.environ, NOTIFY_SOCKET=self.notify_path)
        for name in ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"):
            env.pop(name, None)
        self.messages.clear()
        with open(self.journal, "ab") as journal:
            self.process = subprocess.Popen([self.almanacd, "--config", self.config], env=env,
                                            stdout=subprocess.DEVNULL, stderr=journal)
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout=120):
        wait_for(f"READY=1 from {self.name}", lambda: any("READY=1" in m.split("\n") for m in self.messages)
                 or self.process.poll() is not None, timeout)
        if self.process.poll() is not None:
            raise Failure(f"{self.name} exited with {self.process.returncode} before READY=1; see {self.journal}")

    def status_line(self):
        for message in reversed(self.messages):
            for line in message.split("\n"):
                if line.startswith("STATUS="):
                    return line[7:]
        return ""

    def kill(self, sig=signal.SIGKILL):
        self.process.send_signal(sig)
        if sig == signal.SIGKILL:
            self.process.wait(timeout=60)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def control(self, command, **arguments):
        """One request on the control socket; the reply's result."""
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(30)
            conn.connect(self.socket)
            request = {"v": 1, "id": 1, "cmd": command}
            if arguments:
                request["args"] = arguments
            conn.sendall(json.dumps(request).encode() + b"\n")
            buffer = b""
            while b"\n" not in buffer:
                chunk = conn.recv(65536)
                if not chunk:
                    raise Failure(f"{self.name}: the control socket closed")
                buffer += chunk
        reply = json.loads(buffer.split(b"\n")[0])
        if not reply.get("ok"):
            raise Failure(f"{self.name}: {command} failed: {reply.get('error')}")
        return reply["result"]


def leader_row(pg):
    """(holder, token, acquired at): ("", 0, 0) before the first instance has created the schema,
    or while the database is down."""
    try:
        rows = pg.psql("SELECT holder, token, extract(epoch from acquired_at) FROM almanac_leader WHERE id = 1")
    except Failure:
        return "", 0, 0.0
    holder, token, acquired = rows[0]
    return holder, int(token), float(acquired or 0)


def delivery_counts(pg):
    counts = {}
    for state, count in pg.psql("SELECT state, count(*) FROM delivery WHERE occurrence_id != '*' GROUP BY state"):
        counts[state] = int(count)
    queued = int(pg.psql("SELECT count(*) FROM mail_outbox WHERE state != 'sent'")[0][0])
    return counts, queued


# MARK: - The checks

def journal_entries(paths):
    """Per delivery key: [possible repeat?] of each reminder entry in the journal files."""
    entries = {}
    pattern = re.compile(r" ALMANAC_DELIVERY=(\S+)")
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                if not any(f"MESSAGE_ID={m}" in line for m in REMINDER_IDS):
                    continue
                match = pattern.search(line)
                if match:
                    entries.setdefault(match.group(1), []).append("ALMANAC_POSSIBLE_REPEAT=1" in line)
    return entries


def mail_sends(paths):
    """Per Message-ID: how many times an instance logged sending it."""
    sends = {}
    pattern = re.compile(r" ALMANAC_MESSAGE_ID=(\S+)")
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                if "mail sent" in line:
                    match = pattern.search(line)
                    if match:
                        sends[match.group(1)] = sends.get(match.group(1), 0) + 1
    return sends


def check_exactly_once(pg, instances, outbox, expected_items):
    """Every delivery of `expected_items` ({item id: due instant}) made once (module docstring).
    Returns a summary."""
    problems = []
    rows = pg.psql("SELECT occurrence_id, reminder_id, channel, recipient, state FROM delivery WHERE occurrence_id != '*'")
    keys = {}
    for occurrence, reminder, channel, recipient, state in rows:
        keys[f"{occurrence}/{reminder}/{channel}/{recipient}"] = state
    expected = set()
    for item, due in expected_items.items():
        # Each item's own date: the minutes may straddle midnight in the plan's zone.
        date = due.date().isoformat()
        expected.add(f"{item}@{date}/0d/journal/")
        expected.add(f"{item}@{date}/0d/mail/u1")
    missing = sorted(expected - set(keys))
    unexpected = sorted(set(keys) - expected)
    not_sent = sorted(k for k, s in keys.items() if s != "sent")
    if missing:
        problems.append(f"{len(missing)} deliveries never recorded, e.g. {missing[:3]}")
    if unexpected:
        problems.append(f"{len(unexpected)} deliveries that should not exist, e.g. {unexpected[:3]}")
    if not_sent:
        problems.append(f"{len(not_sent)} deliveries not sent, e.g. {not_sent[:3]}")
    journal = journal_entries([i.journal for i in instances])
    journal_keys = {k for k in expected if "/journal/" in k}
    repeats = 0
    for key in sorted(journal_keys | set(journal)):
        flags = journal.get(key, [])
        if key not in journal_keys:
            problems.append(f"journal entry for a delivery not due: {key}")
        elif len(flags) == 0:
            problems.append(f"no journal entry for {key}")
        elif sorted(flags) == [False, True]:
            # The files are read instance by instance, not in time order: the entry of the
            # instance that took over can come first here although it was written second.
            repeats += 1
        elif len(flags) != 1:
            problems.append(f"{len(flags)} journal entries for {key} (possible-repeat flags {flags})")
    outbox_rows = pg.psql("SELECT d.occurrence_id || '/' || d.reminder_id || '/' || d.channel || '/' || d.recipient, "
                          "count(m.id), bool_and(m.state = 'sent') FROM delivery d LEFT JOIN mail_outbox m ON m.delivery_id = d.id "
                          "WHERE d.channel = 'mail' GROUP BY 1")
    for key, count, sent in outbox_rows:
        if count != "1" or sent != "t":
            problems.append(f"{key}: {count} outbox rows, all sent: {sent}")
    mail_keys = {k for k in expected if "/mail/" in k}
    if len(outbox_rows) != len(mail_keys):
        problems.append(f"{len(outbox_rows)} mail deliveries in the outbox table, {len(mail_keys)} expected")
    files = [f for f in os.listdir(outbox) if f.endswith(".eml")] if os.path.isdir(outbox) else []
    if len(files) != len(mail_keys):
        problems.append(f"{len(files)} files in the mail outbox, {len(mail_keys)} expected")
    twice = {m: n for m, n in mail_sends([i.journal for i in instances]).items() if n > 1}
    if twice:
        problems.append(f"{len(twice)} messages sent twice, e.g. {list(twice.items())[:3]}")
    if problems:
        raise Failure("not exactly once:\n  " + "\n  ".join(problems[:30]))
    return {"deliveries": len(expected), "journal": len(journal_keys), "mail": len(mail_keys), "possible_repeats": repeats}


def wait_all_sent(pg, expected, timeout):
    def done():
        try:
            counts, queued = delivery_counts(pg)
        except Failure:
            return False
        return counts.get("sent", 0) == expected and queued == 0 and counts.get("pending", 0) == 0
    wait_for(f"{expected} deliveries sent and the outbox empty", done, timeout, interval=0.5)


# MARK: - Scenarios

class Cluster:
    """PostgreSQL and N instances on it, sharing one plan and one mail outbox."""

    def __init__(self, work, args, count, items, minutes, lead_seconds=20):
        self.work = work
        self.pg = Postgres(os.path.join(work, "pg"))
        holidays = os.path.join(work, "holidays")
        holiday_tables(holidays, {datetime.date.today().year, datetime.date.today().year + 1})
        os.makedirs(os.path.join(work, "plans"))
        self.first_due = next_minute(lead_seconds)
        self.due = workload(os.path.join(work, "plans", "plan.yaml"), items, minutes, self.first_due)
        self.outbox = os.path.join(work, "outbox")
        self.instances = [Instance(work, f"host-{chr(97 + n)}", args.almanacd, self.pg.url(), os.path.join(work, "plans"),
                                   holidays, self.outbox) for n in range(count)]
        for instance in self.instances:
            instance.start(wait=False)
        for instance in self.instances:
            instance.wait_ready()
        wait_for("a leader", lambda: leader_row(self.pg)[0], 60)

    def by_name(self, name):
        return next(i for i in self.instances if i.name == name)

    def leader(self):
        return self.by_name(wait_for("a leader", lambda: leader_row(self.pg)[0], 120))

    def followers_watching(self):
        """Instances other than the leader whose lease connection is open."""
        holder = leader_row(self.pg)[0]
        rows = self.pg.psql("SELECT application_name FROM pg_stat_activity WHERE application_name LIKE 'almanacd lease %'")
        return len({r[0] for r in rows} - {f"almanacd lease {holder}"})

    def sleep_until(self, instant):
        time.sleep(max(0.0, instant.timestamp() - time.time()))

    def kill_leader(self):
        """SIGKILL of the leader; restarts it; returns the takeover time (kill to the new lease)."""
        holder, token, _ = leader_row(self.pg)
        victim = self.by_name(holder)
        killed_at = time.time()
        victim.kill()
        new = wait_for("a takeover", lambda: (lambda r: r if r[1] > token and r[0] else None)(leader_row(self.pg)), 120, 0.02)
        victim.start(wait=False)
        return new[2] - killed_at, holder, new[0]

    def close(self):
        for instance in self.instances:
            instance.stop()
        self.pg.close()


def run_check(args):
    work = tempfile.mkdtemp(prefix="almanac-failover-")
    cluster = None
    try:
        items, minutes = 120, 4
        log(f"PostgreSQL and three instances; {2 * items} deliveries due over {minutes} minutes")
        cluster = Cluster(work, args, 3, items, minutes)
        pg, first = cluster.pg, cluster.first_due
        minute = lambda n, s=0: first + datetime.timedelta(minutes=n, seconds=s)

        # Status: one leader, the others follow it; status.json, control status, STATUS=, metrics.
        leader = cluster.leader()
        for instance in cluster.instances:
            lease = wait_for(f"{instance.name} sees the leader",
                             lambda: (lambda s: s if s.get("leader") == leader.name else None)(
                                 instance.control("status").get("leadership") or {}), 30)
            role = "leader" if instance is leader else "follower"
            if lease["role"] != role:
                raise Failure(f"{instance.name}: role {lease['role']}, expected {role}")
            status = json.load(open(os.path.join(instance.directory, "run", "status.json")))
            if status["leadership"]["role"] != role or status["leadership"]["leader"] != leader.name:
                raise Failure(f"{instance.name}: status.json leadership {status['leadership']}")
            wait_for(f"{instance.name} STATUS= names the role", lambda: instance.status_line().startswith(role), 30)
            # The publisher writes the metrics after the status changed, on its own task: wait.
            prom = os.path.join(instance.directory, "run", "almanac.prom")
            line = f'almanac_leader{{instance="{instance.name}",role="{role}"}}'
            wait_for(f"{instance.name} metrics name the role",
                     lambda: os.path.exists(prom) and line in open(prom).read(), 30)
        log(f"leader {leader.name}; STATUS= {leader.status_line()!r}")

        # A follower marks an item due in the last minute done: applied through the database, the
        # leader sends none of its reminders.
        follower = next(i for i in cluster.instances if i is not leader)
        done_item = f"item-{minutes - 1}"
        follower.control("done", item=done_item, date=cluster.due[done_item].date().isoformat())
        log(f"{done_item} marked done through {follower.name}")

        # Minute 0: the leader killed in the middle of its burst, three times.
        takeovers = []
        cluster.sleep_until(minute(0, 0.3))
        for _ in range(3):
            time.sleep(random.uniform(0, 0.8))
            takeover, old, new = cluster.kill_leader()
            takeovers.append(takeover)
            log(f"killed {old}; {new} took over after {takeover:.2f} s")

        # Minute 1: the leader paused (SIGSTOP) past its lease during its burst, then resumed.
        cluster.sleep_until(minute(1, 0.2))
        holder, token, _ = leader_row(pg)
        paused = cluster.by_name(holder)
        paused.kill(signal.SIGSTOP)
        stopped_at = time.time()
        wait_for("a takeover of the paused leader", lambda: leader_row(pg)[1] > token, 120, 0.05)
        time.sleep(max(0, stopped_at + LEASE + 3 - time.time()))
        paused.process.send_signal(signal.SIGCONT)
        log(f"paused {holder} for {time.time() - stopped_at:.1f} s (lease {LEASE} s); {leader_row(pg)[0]} took over")

        # Minute 2: PostgreSQL stopped for a minute across the burst.
        cluster.sleep_until(minute(2, -5))
        pg.stop()
        log("PostgreSQL stopped")
        time.sleep(20)
        lines = [i.status_line() for i in cluster.instances]
        if not all(line.startswith("not delivering") for line in lines):
            raise Failure(f"with the database down every instance must say it does not deliver; STATUS= lines: {lines}")
        time.sleep(40)
        pg.start()
        log("PostgreSQL started again")

        # Minute 3: one more kill during its burst.
        cluster.sleep_until(minute(3, 0.2))
        time.sleep(random.uniform(0, 0.5))
        takeover, old, new = cluster.kill_leader()
        takeovers.append(takeover)
        log(f"killed {old}; {new} took over after {takeover:.2f} s")

        expected_items = {item: due for item, due in cluster.due.items() if item != done_item}
        for instance in cluster.instances:
            if instance.process.poll() is not None:
                instance.start(wait=False)
        wait_all_sent(pg, 2 * len(expected_items), timeout=300)
        for instance in cluster.instances:
            instance.stop()
        summary = check_exactly_once(pg, cluster.instances, cluster.outbox, expected_items)
        log(f"exactly once: {summary}; takeovers {', '.join(f'{t:.2f}' for t in takeovers)} s")
        print("failover check: 1 passed, 0 failed", flush=True)
        return 0
    except Failure as failure:
        print(f"failover check FAILED: {failure}", flush=True)
        if cluster:
            for instance in cluster.instances:
                print(f"--- {instance.name} journal (last lines)", flush=True)
                with open(instance.journal, errors="replace") as f:
                    print("".join(f.readlines()[-25:]), flush=True)
        return 1
    finally:
        if cluster:
            cluster.close()
        shutil.rmtree(work, ignore_errors=True)


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run_measure(args):
    work = tempfile.mkdtemp(prefix="almanac-failover-")
    cluster = None
    try:
        items, minutes = 500, 5
        log(f"three instances; {2 * items} deliveries due over {minutes} minutes; {args.kills} kills")
        cluster = Cluster(work, args, 3, items, minutes)
        end = cluster.first_due + datetime.timedelta(minutes=minutes - 1, seconds=10)
        start = time.time()
        span = end.timestamp() - start
        # Half the kills fall in the first two seconds of a minute, while a burst goes out; the
        # others anywhere.
        moments = sorted(
            [start + random.uniform(0, span) for _ in range(args.kills - args.kills // 2)]
            + [(cluster.first_due + datetime.timedelta(minutes=random.randrange(minutes), seconds=random.uniform(0, 2))).timestamp()
               for _ in range(args.kills // 2)])
        takeovers = []
        for moment in moments:
            time.sleep(max(0.0, moment - time.time()))
            # A follower is up and looking (its lease connection is open): the takeover time is
            # then the failover's, not a restarted process's start-up.
            wait_for("a follower watching the lease", lambda: cluster.followers_watching() >= 1, 120, 0.05)
            takeover, old, new = cluster.kill_leader()
            takeovers.append(takeover)
        log(f"{len(takeovers)} kills done")
        for instance in cluster.instances:
            if instance.process.poll() is not None:
                instance.start(wait=False)
        wait_all_sent(cluster.pg, 2 * items, timeout=600)
        for instance in cluster.instances:
            instance.stop()
        summary = check_exactly_once(cluster.pg, cluster.instances, cluster.outbox, cluster.due)
        print(f"failover kills: {len(takeovers)} SIGKILLs of the leader, each restarted; exactly once: "
              f"{summary['deliveries']} deliveries, {summary['possible_repeats']} journal entries repeated as possible repeats",
              flush=True)
        print(f"failover takeover (kill to the new lease): median {statistics.median(takeovers) * 1000:.0f} ms, "
              f"p90 {pct(takeovers, 90) * 1000:.0f} ms, worst {max(takeovers) * 1000:.0f} ms (lease {LEASE} s)", flush=True)
        cluster.close()
        cluster = None
        shutil.rmtree(work, ignore_errors=True)
        for store in ("sqlite", "postgresql"):
            throughput(args, store)
        return 0
    except Failure as failure:
        print(f"failover measure FAILED: {failure}", flush=True)
        return 1
    finally:
        if cluster:
            cluster.close()
        shutil.rmtree(work, ignore_errors=True)


def throughput(args, store, items=1000):
    """One instance, 2 × items deliveries due at one instant: deliveries per second (first to last
    journal entry) and `status` round trips on the control socket while they go out."""
    work = tempfile.mkdtemp(prefix=f"almanac-throughput-{store}-")
    pg = None
    instance = None
    try:
        holidays = os.path.join(work, "holidays")
        holiday_tables(holidays, {datetime.date.today().year, datetime.date.today().year + 1})
        os.makedirs(os.path.join(work, "plans"))
        due = next_minute(15)
        workload(os.path.join(work, "plans", "plan.yaml"), items, 1, due)
        url = None
        if store == "postgresql":
            pg = Postgres(os.path.join(work, "pg"))
            url = pg.url()
        instance = Instance(work, "host-a", args.almanacd, url, os.path.join(work, "plans"), holidays, os.path.join(work, "outbox"))
        instance.start()
        if pg:
            wait_for("the lease", lambda: leader_row(pg)[0], 60)
        times = []
        stop = threading.Event()

        def poll_status():
            while not stop.is_set():
                t0 = time.perf_counter()
                instance.control("status")
                times.append(time.perf_counter() - t0)
                time.sleep(0.005)

        time.sleep(max(0, due.timestamp() - time.time() - 1))
        poller = threading.Thread(target=poll_status)
        poller.start()
        # The journal file read as it grows: each reminder entry with the time it appeared (the
        # daemon's lines carry no time, and one pass records every delivery with the same instant).
        arrivals = []
        with open(instance.journal, errors="replace") as journal:
            journal.seek(0, os.SEEK_END)
            deadline = time.monotonic() + 300
            while len(arrivals) < items and time.monotonic() < deadline:
                line = journal.readline()
                if not line:
                    time.sleep(0.002)
                    continue
                if any(f"MESSAGE_ID={m}" in line for m in REMINDER_IDS):
                    arrivals.append(time.time())
        files = lambda: len(os.listdir(os.path.join(work, "outbox"))) if os.path.isdir(os.path.join(work, "outbox")) else 0
        wait_for("every mail file", lambda: files() >= items, 300, 0.05)
        mail_done = time.time()
        stop.set()
        poller.join()
        if len(arrivals) < items:
            raise Failure(f"{store}: {len(arrivals)} of {items} journal entries within 300 s")
        first, last = arrivals[0], arrivals[-1]
        rate = 2 * items / max(last - first, 1e-3)
        print(f"store {store}: {2 * items} deliveries (journal and mail) due at one instant: {rate:.0f} deliveries/s "
              f"({last - first:.2f} s from the first to the last journal entry; the mail outbox sent "
              f"{mail_done - first:.2f} s after the first)", flush=True)
        print(f"store {store}: control status while delivering: p50 {pct(times, 50) * 1e3:.2f} ms, "
              f"p99 {pct(times, 99) * 1e3:.2f} ms ({len(times)} requests)", flush=True)
        instance.stop()
    finally:
        if instance:
            instance.stop()
        if pg:
            pg.close()
        shutil.rmtree(work, ignore_errors=True)


def run_serve(command):
    work = tempfile.mkdtemp(prefix="almanac-pg-")
    pg = None
    try:
        pg = Postgres(os.path.join(work, "pg"))
        log(f"PostgreSQL at {pg.url()}")
        return subprocess.run(command, env=dict(os.environ, ALMANAC_TEST_POSTGRES=pg.url())).returncode
    finally:
        if pg:
            pg.close()
        shutil.rmtree(work, ignore_errors=True)


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "serve" and sys.argv[2] == "--":
        return run_serve(sys.argv[3:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["check", "measure", "throughput"])
    parser.add_argument("--almanacd", default=os.path.join(root, ".build/debug/almanacd"))
    parser.add_argument("--kills", type=int, default=50)
    args = parser.parse_args()
    if not os.access(args.almanacd, os.X_OK):
        sys.exit(f"{args.almanacd} not found: swift build --product almanacd")
    if args.mode == "throughput":
        for store in ("sqlite", "postgresql"):
            throughput(args, store)
        return 0
    return run_check(args) if args.mode == "check" else run_measure(args)


if __name__ == "__main__":
    sys.exit(main())
