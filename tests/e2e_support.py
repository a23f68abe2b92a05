"""Shared pieces of the end-to-end channel tests (tests/mta_test.py, tests/robots_test.py).

Everything here runs real programs: almanacd and almanacctl from the build directory, openssl
for a test certificate authority, and whatever server the test starts. Waits poll for a state
with a generous hang guard; nothing sleeps a fixed time and hopes.
"""
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("ALMANAC_BIN_DIR", os.path.join(REPO, ".build", "debug"))
ALMANACD = os.path.join(BIN, "almanacd")
ALMANACCTL = os.path.join(BIN, "almanacctl")
SHANGHAI = timezone(timedelta(hours=8))

# Hang guards: ten times what a loaded 2-core machine needs, never a measure of speed.
HANG = float(os.environ.get("ALMANAC_E2E_HANG", "120"))


class Failure(Exception):
    pass


def fail(message):
    raise Failure(message)


def check(condition, message):
    if not condition:
        fail(message)


def log(message):
    print(f"    {message}", file=sys.stderr, flush=True)


def as_root(argv):
    """argv run as root: directly when we are root, else through sudo."""
    return argv if os.geteuid() == 0 else ["sudo", "-n"] + argv


def wait_for(predicate, what, timeout=HANG, interval=0.05):
    """Polls `predicate` until it returns a true value, which is returned; fails after `timeout`."""
    deadline = time.monotonic() + timeout
    delay = interval
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def today_shanghai():
    return datetime.now(SHANGHAI).date().isoformat()


class CA:
    """A certificate authority made for one test run with openssl, and server certificates it
    signs for localhost / 127.0.0.1."""

    def __init__(self, directory, name):
        self.directory = directory
        self.name = name
        os.makedirs(directory, exist_ok=True)
        self.cert = os.path.join(directory, f"{name}-ca.pem")
        self.key = os.path.join(directory, f"{name}-ca.key")
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key, "-out", self.cert,
             "-days", "2", "-subj", f"/CN=almanac test CA {name}",
             "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])

    def issue(self, label):
        """(certificate, key) for localhost and 127.0.0.1. The key is world-readable: it is a
        throwaway test key, and the servers may run as another user."""
        key = os.path.join(self.directory, f"{label}.key")
        csr = os.path.join(self.directory, f"{label}.csr")
        cert = os.path.join(self.directory, f"{label}.pem")
        ext = os.path.join(self.directory, f"{label}.ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:false\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
        run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost"])
        run(["openssl", "x509", "-req", "-in", csr, "-CA", self.cert, "-CAkey", self.key, "-CAcreateserial",
             "-out", cert, "-days", "2", "-extfile", ext])
        os.chmod(key, 0o644)
        return cert, key


def run(argv, check_status=True, **kwargs):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    if check_status and result.returncode != 0:
        fail(f"{' '.join(argv)} exited {result.returncode}: {result.stderr.strip()[:2000]}")
    return result


def terminate(process, timeout=60):
    """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds (a hang guard)."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


class Sandbox:
    """A directory with an almanacd configuration, plans, state and runtime folders."""

    def __init__(self, label, keep=False):
        self.root = tempfile.mkdtemp(prefix=f"almanac-e2e-{label}-")
        # Servers that drop to their own user (exim) write below it.
        os.chmod(self.root, 0o755)
        self.keep = keep
        for sub in ("plans", "lib", "run"):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def write(self, relative, text, mode=None):
        path = self.path(relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        if mode is not None:
            os.chmod(path, mode)
        return path

    def cleanup(self):
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


def base_config(extra):
    return f"""plans: plans/*.yaml
state_directory: lib
runtime_directory: run
holidays: {REPO}/config/holidays
catch_up: 30d
delivery_time: "00:00"
shutdown_timeout: 20s
log_level: info
{extra}"""


class Daemon:
    """almanacd on a sandbox: its stderr (the `<N>` journal lines) goes to daemon.log."""

    def __init__(self, sandbox, environment=None):
        self.sandbox = sandbox
        self.process = None
        self.log_path = sandbox.path("daemon.log")
        self.environment = dict(os.environ)
        self.environment.pop("JOURNAL_STREAM", None)
        self.environment.pop("NOTIFY_SOCKET", None)
        if environment:
            self.environment.update(environment)

    @property
    def database(self):
        return self.sandbox.path("lib", "state.db")

    @property
    def socket(self):
        return self.sandbox.path("run", "control.sock")

    def start(self):
        check(self.process is None, "the daemon is already running")
        log_file = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [ALMANACD, "--config", self.sandbox.path("almanac.yaml")], stdout=log_file, stderr=log_file,
            env=self.environment, start_new_session=True)
        log_file.close()
        wait_for(lambda: self.answers() or self.exited(), "almanacd to answer on its control socket")
        if self.exited():
            fail(f"almanacd exited with status {self.process.returncode}:\n{self.tail()}")
        return self

    def exited(self):
        return self.process is not None and self.process.poll() is not None

    def answers(self):
        if not os.path.exists(self.socket):
            return False
        result = subprocess.run([ALMANACCTL, "status", "--json", "--socket", self.socket],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return result.returncode == 0

    def stop(self, sig=signal.SIGTERM):
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            status = self.process.wait(timeout=HANG)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
            fail("almanacd did not stop")
        self.process = None
        return status

    def kill(self):
        return self.stop(signal.SIGKILL)

    def text(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def tail(self, lines=40):
        return "\n".join(self.text().splitlines()[-lines:])

    def entries(self, message_id=None, contains=None):
        """The log lines (journal entries) with this MESSAGE_ID and/or text."""
        found = []
        for line in self.text().splitlines():
            if message_id and f"MESSAGE_ID={message_id}" not in line:
                continue
            if contains and contains not in line:
                continue
            found.append(line)
        return found

    def ctl(self, *args, check_status=True):
        result = run([ALMANACCTL, *args, "--socket", self.socket], check_status=False)
        if check_status and result.returncode != 0:
            fail(f"almanacctl {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}\n{result.stdout}")
        return result

    def query(self, sql, arguments=()):
        """Rows of a read-only query on state.db (WAL: reading beside the daemon is safe)."""
        if not os.path.exists(self.database):
            return []
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)
        try:
            connection.row_factory = sqlite3.Row
            return [dict(row) for row in connection.execute(sql, arguments)]
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return []
            raise
        finally:
            connection.close()

    def start_with_due_reminders(self, days_back=20):
        """Starts the daemon so that the plan's reminders due earlier today go out: what falls due
        before the daemon's first start is history and never sent, so a first run records the
        installation, which is then moved back `days_back` days before the real run."""
        self.start()
        wait_for(lambda: self.query("SELECT id FROM delivery WHERE occurrence_id = '*' AND reminder_id = 'installed'"),
                 "the installation record")
        status = self.stop()
        check(status == 0, f"almanacd exited {status} on SIGTERM:\n{self.tail()}")
        connection = sqlite3.connect(self.database, timeout=30)
        changed = connection.execute(
            "UPDATE delivery SET due_at = strftime('%Y-%m-%d %H:%M:%f', 'now', ?) "
            "WHERE occurrence_id = '*' AND reminder_id = 'installed'", (f"-{days_back} days",)).rowcount
        connection.commit()
        connection.close()
        check(changed == 1, "cannot move the installation record back")
        return self.start()


def section(title):
    print(f"==> {title}", file=sys.stderr, flush=True)


def main(tests):
    """Runs each (name, function) in order; stops at the first failure with its message."""
    started = time.monotonic()
    for name, function in tests:
        section(name)
        begin = time.monotonic()
        try:
            function()
        except Failure as error:
            print(f"FAILED: {name}: {error}", file=sys.stderr, flush=True)
            return 1
        log(f"ok ({time.monotonic() - begin:.1f}s)")
    print(f"all {len(tests)} passed in {time.monotonic() - started:.1f}s", file=sys.stderr)
    return 0
