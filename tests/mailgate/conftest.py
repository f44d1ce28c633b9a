"""A real IMAP server for the mail tests: Dovecot on 127.0.0.1 with a throw-away config.

One Dovecot per test session; every test gets a mailbox user of its own, so tests never see
each other's messages. The users are all in the passwd-file from the start: Dovecot notices a
changed passwd-file by its modification time, which misses two changes within one second.
"""

import grp
import imaplib
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from tests import factories

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "secret"
USERS = 2000
_users = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Dovecot:
    root: Path
    port: int  # plain IMAP (STARTTLS offered when `cert` is set)
    ssl_port: int | None  # IMAPS, when openssl made a certificate
    cert: Path | None

    def user(self) -> str:
        """A mailbox user no test used before (an empty INBOX); its password is `PASSWORD`."""
        number = next(_users)
        assert number <= USERS, "more mailbox users than the passwd-file holds"
        return f"user{number}"


def _certificate(root: Path) -> Path | None:
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(  # noqa: S603 (the system openssl, fixed arguments)
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert


def _config(root: Path, port: int, ssl_port: int | None, cert: Path | None) -> str:
    me = pwd.getpwuid(os.getuid())
    if os.getuid() == 0:
        # Dovecot runs neither its login processes nor mail access as root: unprivileged
        # accounts do, and own the mail directories.
        login_user = "dovenull" if _exists("dovenull") else "nobody"
        internal_user = "dovecot" if _exists("dovecot") else "nobody"
        mail = pwd.getpwnam("nobody")
        for folder in ("mail", "home"):
            os.chown(root / folder, mail.pw_uid, mail.pw_gid)
        anvil = login_chroot = ""
    else:
        login_user = internal_user = me.pw_name
        mail = me
        # Without root Dovecot can neither chroot nor hand its sockets to the dovecot group.
        group = grp.getgrgid(os.getgid()).gr_name
        anvil = f"default_internal_group = {group}\nservice anvil {{\n  chroot =\n}}\n"
        login_chroot = "  chroot =\n"
    ssl = f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{root / 'key.pem'}" if cert else "ssl = no"
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = {mail.pw_uid}
first_valid_gid = {mail.pw_gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail.pw_uid} gid={mail.pw_gid} home={root}/home/%u
}}
service imap-login {{
{login_chroot}  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port or 0}
  }}
}}
{anvil}"""


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def dovecot():
    if not os.path.exists(DOVECOT):
        pytest.skip(
            "Dovecot (Debian package dovecot-imapd) is not installed: "
            "the IMAP tests need a real IMAP server"
        )
    # Not under pytest's tmp_path: that is private to us, and Dovecot's unprivileged
    # processes must reach the passwd-file and mail directories.
    root = Path(tempfile.mkdtemp(prefix="dovecot-"))
    root.chmod(0o755)
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir()
    (root / "passwd").write_text(
        "".join(f"user{n}:{{PLAIN}}{PASSWORD}::::::\n" for n in range(1, USERS + 1))
    )
    cert = _certificate(root)
    port, ssl_port = free_port(), (free_port() if cert else None)
    (root / "dovecot.conf").write_text(_config(root, port, ssl_port, cert))
    with (root / "stderr.log").open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 (the system Dovecot, our throw-away config)
            [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 15
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log = "".join(
                    p.read_text() for p in (root / "stderr.log", root / "dovecot.log") if p.exists()
                )
                pytest.fail(f"Dovecot did not start:\n{log[-4000:]}")
            time.sleep(0.1)
        yield Dovecot(root=root, port=port, ssl_port=ssl_port, cert=cert)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


# --- mailbox helpers --------------------------------------------------------------------------


class Mailbox:
    """One user's INBOX on the test Dovecot, read and written with plain imaplib."""

    def __init__(self, dovecot: Dovecot, username: str):
        self.dovecot, self.username = dovecot, username

    def _session(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.dovecot.port, timeout=10)
        client.login(self.username, PASSWORD)
        client.select("INBOX")
        return client

    def append(self, raw: bytes) -> None:
        client = self._session()
        try:
            status, data = client.append("INBOX", None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def flags(self) -> list[set[str]]:
        """The flags of every message still in the INBOX, in UID order."""
        client = self._session()
        try:
            status, data = client.uid("FETCH", "1:*", "(FLAGS)")
            assert status == "OK", data
        finally:
            client.logout()
        found = [re.search(rb"FLAGS \(([^)]*)\)", line) for line in data if line]
        return [set(match.group(1).decode().split()) for match in found if match]

    def count(self) -> int:
        return len(self.flags())

    def account(self, **fields):
        """A `MailAccount` reading this mailbox over plain IMAP."""
        fields.setdefault("host", "127.0.0.1")
        fields.setdefault("port", self.dovecot.port)
        fields.setdefault("security", "none")
        fields.setdefault("password", PASSWORD)
        return factories.MailAccountFactory(username=self.username, **fields)


def imap_append(mailbox: Mailbox, raw: bytes) -> None:
    mailbox.append(raw)


def imap_flags(mailbox: Mailbox) -> list[set[str]]:
    return mailbox.flags()


def imap_count(mailbox: Mailbox) -> int:
    return mailbox.count()


@pytest.fixture
def mailbox(dovecot):
    """An empty INBOX of a user of its own."""
    return Mailbox(dovecot, dovecot.user())


def email_bytes(
    subject: str = "Printer on fire",
    sender: str = "stranger@example.org",
    to: str = "support@example.com",
    body: str = "It is burning.\n",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A plain RFC 5322 message as a mail client would send it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Thu, 03 Dec 2026 10:00:00 +0000"
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()
