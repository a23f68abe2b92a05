#!/usr/bin/env python3
"""almanacd's mail against a real mail server: Exim 4 from Debian on loopback.

Exim listens on three ports of 127.0.0.1: SMTP with STARTTLS (certificate from a CA this test
makes), SMTPS (TLS from the first byte) and a port that does not offer STARTTLS. It takes mail
only over TLS and after SASL login (PLAIN or LOGIN), refuses the recipient rejected@example.org
at RCPT, and delivers everything else into one Maildir, where the test reads each message with
Python's email package. Exim runs as root (through sudo when the test does not), with its own
configuration, spool, logs and pid file in a temporary directory; the system's Exim, if any, is
left alone.

The daemon sends through the `smtp` transport (libcurl) and through `sendmail` with msmtp, in each
case: STARTTLS required with the CA pinned, the wrong CA pinned, a wrong password, smtps://, and a
server without STARTTLS; each time one reminder to a unit with three addresses, one of them
refused.

Usage: tests/mta_test.py   (tests/stage-mta.sh installs exim4-daemon-light and msmtp first)
"""
import email
import email.policy
import glob
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import (CA, HANG, Daemon, Sandbox, as_root, base_config, check, fail, free_port, log, main,  # noqa: E402
                         run, today_shanghai, wait_for)

MAIL_SENT = "5c1e0f8a3b7d4e2a9f6c1d0b8e7a3f21"
MAIL_RETRY = "a4d2c6e8f0b14937a5e3c7d9b1f20846"
MAIL_FAILED = "e93b1a7c5d2f48608b4e6a2c9d1f7e35"
USER = "almanac"
PASSWORD = "s3cret-密码"


class Exim:
    """One Exim daemon with a configuration of its own."""

    def __init__(self, sandbox, cert, key):
        self.dir = sandbox.path("exim")
        self.maildir = os.path.join(self.dir, "mail")
        for sub in ("", "spool", "log"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
            os.chmod(os.path.join(self.dir, sub), 0o777)
        self.smtp_port = free_port()
        self.smtps_port = free_port()
        self.plain_port = free_port()
        self.config = os.path.join(self.dir, "exim.conf")
        self.pid_file = os.path.join(self.dir, "exim.pid")
        with open(self.config, "w") as f:
            f.write(f"""primary_hostname = mta.test
daemon_smtp_ports = {self.smtp_port} : {self.smtps_port} : {self.plain_port}
tls_on_connect_ports = {self.smtps_port}
local_interfaces = <; 127.0.0.1
spool_directory = {self.dir}/spool
log_file_path = {self.dir}/log/%slog
pid_file_path = {self.pid_file}
host_lookup =
rfc1413_hosts =
keep_environment =
tls_certificate = {cert}
tls_privatekey = {key}
# Every port but the plain one offers STARTTLS.
tls_advertise_hosts = ${{if eq{{$received_port}}{{{self.plain_port}}}{{}}{{*}}}}
log_selector = +smtp_protocol_error +smtp_syntax_error +tls_cipher +smtp_connection +received_recipients
acl_smtp_mail = acl_mail
acl_smtp_rcpt = acl_rcpt
begin acl
acl_mail:
  deny    message = 5.7.0 Must issue a STARTTLS command first
          !encrypted = *
  deny    message = 5.7.0 Authentication required
          !authenticated = *
  accept
acl_rcpt:
  deny    message = 5.1.1 <$local_part@$domain>: mailbox unavailable
          local_parts = rejected
  accept  authenticated = *
  deny    message = 5.7.1 relay not permitted
begin routers
maildir:
  driver = accept
  transport = maildir
begin transports
maildir:
  driver = appendfile
  maildir_format
  directory = {self.maildir}
  create_directory
  user = Debian-exim
  mode = 0644
  directory_mode = 0755
  delivery_date_add
  envelope_to_add
  return_path_add
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${{if and{{{{eq{{$auth2}}{{{USER}}}}}{{eq{{$auth3}}{{{PASSWORD}}}}}}}}}
  server_set_id = $auth2
  server_advertise_condition = ${{if def:tls_in_cipher}}
login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = ${{if and{{{{eq{{$auth1}}{{{USER}}}}}{{eq{{$auth2}}{{{PASSWORD}}}}}}}}}
  server_set_id = $auth1
  server_advertise_condition = ${{if def:tls_in_cipher}}
""")
        self.process = None

    def start(self):
        # -bdf: the daemon stays in the foreground, so this test owns it and stops it.
        self.process = subprocess.Popen(as_root(["exim4", "-C", self.config, "-bdf", "-q1h"]),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        ports = (self.smtp_port, self.smtps_port, self.plain_port)
        wait_for(lambda: all(listening(p) for p in ports) or self.process.poll() is not None, "Exim to listen")
        if self.process.poll() is not None:
            fail(f"exim4 exited {self.process.returncode}: {self.process.stderr.read()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            # Exim runs as root: signal it as root too.
            subprocess.run(as_root(["kill", "-TERM", str(self.process.pid)]), check=False)
            try:
                self.process.wait(timeout=HANG)
            except subprocess.TimeoutExpired:
                subprocess.run(as_root(["kill", "-KILL", str(self.process.pid)]), check=False)
        self.process = None

    def logs(self):
        """mainlog and rejectlog (written by the Exim user, mode 0640: read as root)."""
        text = ""
        for name in ("mainlog", "rejectlog"):
            path = os.path.join(self.dir, "log", name)
            result = subprocess.run(as_root(["cat", path]), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            text += result.stdout
        return text

    def messages(self):
        """Every delivered message, oldest first, parsed with Python's email package."""
        found = []
        for path in sorted(glob.glob(os.path.join(self.maildir, "new", "*")), key=os.path.getmtime):
            with open(path, "rb") as f:
                found.append(email.message_from_bytes(f.read(), policy=email.policy.default))
        return found


def listening(port):
    import socket
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


PLAN = """plan: {{id: mta, name: 邮件服务器测试, years: every}}
units:
  wmb:
    name: 区文明办
    mail: [wmb@example.org, rejected@example.org, office@example.org]
items:
  - id: mta-check
    kind: task
    title: “向国旗敬礼”签字寄语活动
    when: {today}
    owners: [wmb]
    remind: {{leads: [0d], time: "00:00"}}
"""


class Setup:
    """The CA, Exim and the pieces every scenario shares."""

    def __init__(self):
        self.sandbox = Sandbox("mta")
        self.ca = CA(self.sandbox.path("pki"), "trusted")
        self.wrong_ca = CA(self.sandbox.path("pki"), "other")
        cert, key = self.ca.issue("mta")
        self.exim = Exim(self.sandbox, cert, key)
        self.password_file = self.sandbox.write("smtp-password", PASSWORD + "\n", mode=0o600)


SETUP = None


def scenario(label, mail_config, files=None):
    """One daemon run with `mail_config` until its one mail is settled: returns the daemon (still
    running), the outbox row, and the messages Exim delivered during the run."""
    sandbox = Sandbox(f"mta-{label}")
    for name, (text, mode) in (files or {}).items():
        sandbox.write(name, text.replace("@ROOT@", sandbox.root), mode=mode)
    sandbox.write("plans/mta.yaml", PLAN.format(today=today_shanghai()))
    sandbox.write("almanac.yaml", base_config(mail_config.replace("@ROOT@", sandbox.root)))
    before = len(SETUP.exim.messages())
    daemon = Daemon(sandbox)
    daemon.start_with_due_reminders()

    def settled():
        rows = daemon.query("SELECT * FROM mail_outbox")
        return rows if rows and all(row["state"] != "queued" for row in rows) else None

    rows = wait_for(settled, f"the mail of scenario {label} to be sent or given up")
    check(len(rows) == 1, f"{label}: expected one outbox mail, found {len(rows)}")
    # Exim delivers after accepting: wait for the copies when the mail went.
    if rows[0]["state"] == "sent":
        wait_for(lambda: len(SETUP.exim.messages()) >= before + 2, f"{label}: the two accepted copies in the Maildir")
    delivered = SETUP.exim.messages()[before:]
    return daemon, rows[0], delivered


def smtp_config(url, tls="required", ca=None, password_file=None):
    ca = ca or SETUP.ca.cert
    password_file = password_file or SETUP.password_file
    return f"""mail:
  transport: smtp
  from: almanac@example.org
  smtp:
    url: {url}
    tls: {tls}
    username: {USER}
    password_file: {password_file}
    ca_file: {ca}
    connect_timeout: 10s
  retry: {{initial: 1s, maximum: 2s, max_attempts: 3}}
"""


def msmtp_config():
    return """mail:
  transport: sendmail
  from: almanac@example.org
  sendmail: [/usr/bin/msmtp, -C, @ROOT@/msmtprc]
  retry: {initial: 1s, maximum: 2s, max_attempts: 3}
"""


def msmtprc(port, starttls=True, ca=None, password=PASSWORD):
    return f"""defaults
tls on
tls_starttls {"on" if starttls else "off"}
tls_trust_file {ca or SETUP.ca.cert}
account default
host localhost
port {port}
auth on
user {USER}
password {password}
from almanac@example.org
"""


def check_delivered(label, row, delivered, log_text, over_tls=True):
    """The reminder reached wmb and office, the refused address is reported, TLS and login were used."""
    check(row["state"] == "sent", f"{label}: the mail is {row['state']}, not sent: {row['last_error']}")
    recipients = sorted(str(m["Envelope-to"]) for m in delivered)
    check(recipients == ["office@example.org", "wmb@example.org"],
          f"{label}: delivered to {recipients}, expected office@ and wmb@ (rejected@ refused)")
    for message in delivered:
        subject = str(message["Subject"])
        check(subject == f"【提醒】“向国旗敬礼”签字寄语活动（{today_shanghai()}）", f"{label}: subject {subject!r}")
        body = message.get_body(preferencelist=("plain",)).get_content()
        check("“向国旗敬礼”签字寄语活动" in body and "区文明办" in body, f"{label}: body {body!r}")
        check(message["Message-ID"] == row["message_id"], f"{label}: Message-ID {message['Message-ID']} != outbox {row['message_id']}")
        received = " ".join(str(h) for h in message.get_all("Received"))
        if over_tls:
            # esmtpsa: ESMTP, TLS (s) and SASL login (a), as Exim writes it.
            check("with esmtpsa" in received and "TLS1." in received, f"{label}: not over TLS with login: {received}")
    refused = [line for line in log_text.splitlines()
               if f"MESSAGE_ID={MAIL_FAILED}" in line and "ALMANAC_RECIPIENT=rejected@example.org" in line]
    check(len(refused) == 1, f"{label}: the refused recipient is not reported once in the journal")
    check("550" in refused[0] and "mailbox unavailable" in refused[0], f"{label}: the refusal lacks the server's reply: {refused[0]}")


def check_refused_before_sending(label, daemon, row, delivered, expected_error, exim_log_before):
    """A permanent failure on the first attempt, nothing delivered, no MAIL FROM in clear text."""
    check(row["state"] == "failed", f"{label}: the mail is {row['state']}, expected failed: {row['last_error']}")
    check(row["attempts"] == 1, f"{label}: {row['attempts']} attempts: a permanent failure is not retried")
    check(expected_error in (row["last_error"] or ""), f"{label}: error {row['last_error']!r} lacks {expected_error!r}")
    check(not delivered, f"{label}: {len(delivered)} messages delivered")
    failed = daemon.entries(message_id=MAIL_FAILED)
    check(failed and expected_error in failed[-1], f"{label}: no journal entry with {expected_error!r}:\n{daemon.tail()}")
    new_log = SETUP.exim.logs()[len(exim_log_before):]
    check("<=" not in new_log, f"{label}: Exim received a message:\n{new_log}")
    check("Must issue a STARTTLS" not in new_log, f"{label}: the client sent MAIL FROM in clear text:\n{new_log}")


def test_start_exim():
    global SETUP
    SETUP = Setup()
    SETUP.exim.start()
    log(f"Exim on 127.0.0.1: STARTTLS {SETUP.exim.smtp_port}, SMTPS {SETUP.exim.smtps_port}, "
        f"no STARTTLS {SETUP.exim.plain_port}")


def test_smtp_starttls_login_and_a_refused_recipient():
    daemon, row, delivered = scenario("starttls", smtp_config(f"smtp://localhost:{SETUP.exim.smtp_port}"))
    try:
        check_delivered("smtp STARTTLS", row, delivered, daemon.text())
        sent = daemon.entries(message_id=MAIL_SENT)
        check(len(sent) == 1 and "ALMANAC_REFUSED=rejected@example.org" in sent[0], f"mail sent entry: {sent}")
        outbox = daemon.ctl("outbox", "--state", "sent", "--json").stdout
        check(row["message_id"] in outbox, "almanacctl outbox does not show the sent mail")
    finally:
        daemon.stop()


def test_smtp_wrong_ca_is_permanent_and_nothing_is_sent():
    before = SETUP.exim.logs()
    daemon, row, delivered = scenario("wrong-ca", smtp_config(f"smtp://localhost:{SETUP.exim.smtp_port}", ca=SETUP.wrong_ca.cert))
    try:
        check_refused_before_sending("smtp wrong CA", daemon, row, delivered, "certificate", before)
        check("mail.smtp.ca_file" in row["last_error"], f"the error does not name the setting: {row['last_error']}")
    finally:
        daemon.stop()


def test_smtp_wrong_password_is_permanent_with_the_server_reply():
    wrong = SETUP.sandbox.write("wrong-password", "not-the-password\n", mode=0o600)
    before = SETUP.exim.logs()
    daemon, row, delivered = scenario("wrong-login", smtp_config(f"smtp://localhost:{SETUP.exim.smtp_port}", password_file=wrong))
    try:
        check_refused_before_sending("smtp wrong password", daemon, row, delivered, "535 Incorrect authentication data", before)
        check(f"ALMANAC_SMTP_REPLY=535" in daemon.entries(message_id=MAIL_FAILED)[-1], "the journal entry lacks ALMANAC_SMTP_REPLY=535")
    finally:
        daemon.stop()


def test_smtps():
    daemon, row, delivered = scenario("smtps", smtp_config(f"smtps://localhost:{SETUP.exim.smtps_port}"))
    try:
        check_delivered("smtps", row, delivered, daemon.text())
    finally:
        daemon.stop()


def test_smtp_required_starttls_missing_is_permanent():
    before = SETUP.exim.logs()
    daemon, row, delivered = scenario("no-starttls", smtp_config(f"smtp://localhost:{SETUP.exim.plain_port}"))
    try:
        check_refused_before_sending("smtp without STARTTLS", daemon, row, delivered, "does not offer STARTTLS", before)
    finally:
        daemon.stop()


def test_msmtp_starttls_login_and_a_refused_recipient():
    files = {"msmtprc": (msmtprc(SETUP.exim.smtp_port), 0o600)}
    daemon, row, delivered = scenario("msmtp", msmtp_config(), files)
    try:
        check_delivered("msmtp STARTTLS", row, delivered, daemon.text())
    finally:
        daemon.stop()


def test_msmtp_wrong_ca_is_permanent_and_nothing_is_sent():
    files = {"msmtprc": (msmtprc(SETUP.exim.smtp_port, ca=SETUP.wrong_ca.cert), 0o600)}
    before = SETUP.exim.logs()
    daemon, row, delivered = scenario("msmtp-wrong-ca", msmtp_config(), files)
    try:
        check_refused_before_sending("msmtp wrong CA", daemon, row, delivered, "TLS certificate verification failed", before)
    finally:
        daemon.stop()


def test_msmtp_wrong_password_is_permanent_with_the_server_reply():
    files = {"msmtprc": (msmtprc(SETUP.exim.smtp_port, password="wrong"), 0o600)}
    before = SETUP.exim.logs()
    daemon, row, delivered = scenario("msmtp-wrong-login", msmtp_config(), files)
    try:
        check_refused_before_sending("msmtp wrong password", daemon, row, delivered, "535 Incorrect authentication data", before)
    finally:
        daemon.stop()


def test_msmtp_smtps():
    files = {"msmtprc": (msmtprc(SETUP.exim.smtps_port, starttls=False), 0o600)}
    daemon, row, delivered = scenario("msmtp-smtps", msmtp_config(), files)
    try:
        check_delivered("msmtp smtps", row, delivered, daemon.text())
    finally:
        daemon.stop()


def test_stop_exim():
    SETUP.exim.stop()
    SETUP.sandbox.cleanup()


if __name__ == "__main__":
    tests = [
        ("Exim with STARTTLS, SMTPS and login, certificate from a test CA", test_start_exim),
        ("smtp: STARTTLS required, CA pinned, login, one recipient of three refused", test_smtp_starttls_login_and_a_refused_recipient),
        ("smtp: the wrong CA pinned is a permanent failure, nothing sent", test_smtp_wrong_ca_is_permanent_and_nothing_is_sent),
        ("smtp: a wrong password is a permanent failure with the server's reply", test_smtp_wrong_password_is_permanent_with_the_server_reply),
        ("smtp: smtps:// on its own port", test_smtps),
        ("smtp: TLS required and the server offers no STARTTLS", test_smtp_required_starttls_missing_is_permanent),
        ("msmtp as sendmail: STARTTLS, CA pinned, login, one recipient refused", test_msmtp_starttls_login_and_a_refused_recipient),
        ("msmtp as sendmail: the wrong CA", test_msmtp_wrong_ca_is_permanent_and_nothing_is_sent),
        ("msmtp as sendmail: a wrong password", test_msmtp_wrong_password_is_permanent_with_the_server_reply),
        ("msmtp as sendmail: smtps", test_msmtp_smtps),
    ]
    try:
        status = main(tests)
    finally:
        if SETUP is not None:
            SETUP.exim.stop()
    if status == 0:
        test_stop_exim()
    sys.exit(status)
