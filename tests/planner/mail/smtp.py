"""A real SMTP server for the mail tests (aiosmtpd, on 127.0.0.1 at a free port): it keeps
every mail it accepts, refuses the recipients it is told to, can hold a conversation at
RCPT until released (a worker killed mid-send), can be stopped and started again on the
same port (a server away), and can ask for a login.

Other test packages use it too (tests/planner/notices/): import `smtp_server` (one server
for the test module) and `mailbox` (that server, emptied and running, for one test), and
give the app `mailbox.settings()`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One mail the server accepted: its envelope and the mail as parsed."""

    sender: str
    recipients: tuple[str, ...]
    mail: EmailMessage

    def body(self, subtype: str) -> str:
        """The text of its "plain" or "html" part."""
        return self.mail.get_body(preferencelist=(subtype,)).get_content()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class SMTPServer:
    """The server, and what the tests tell it to do."""

    def __init__(self, *, login: tuple[str, str] | None = None) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.refuse: dict[str, str] = {}  # recipient -> the server's answer to its RCPT
        self.logins: list[str] = []  # the usernames that logged in
        self.commands: list[str] = []  # every command it was sent, as "EHLO", "MAIL", ...
        self.login = login
        self.holding = False  # the next RCPT waits until `release`
        self.held = threading.Event()  # a conversation is waiting at RCPT
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.controller: Controller | None = None  # while running (its stop ends its loop)

    def settings(self, **more: Any) -> dict[str, Any]:
        """The app's settings for sending through this server: no STARTTLS, and the
        login when it asks for one."""
        settings = {"SMTP_HOST": HOST, "SMTP_PORT": self.port, "SMTP_STARTTLS": False,
                    "SMTP_TIMEOUT": 5.0, "MAIL_FROM": "Planner <planner@planner.example>",
                    "SMTP_USERNAME": None, "SMTP_PASSWORD": None}
        if self.login is not None:
            settings.update(SMTP_USERNAME=self.login[0], SMTP_PASSWORD=self.login[1])
        return {**settings, **more}

    def start(self) -> None:
        """Running, on its port."""
        if self.controller is None:
            options: dict[str, Any] = {}
            if self.login is not None:
                options.update(authenticator=self._authenticate, auth_require_tls=False)
            self.controller = Controller(_Handler(self), hostname=HOST, port=self.port,
                                         **options)
            self.controller.start()

    def stop(self) -> None:
        """Stopped: a connection to its port is refused."""
        if self.controller is not None:
            self.release()
            self.controller.stop()
            self.controller = None

    def empty(self) -> None:
        """Back as new, running: no mail kept, nothing refused or held."""
        self.start()
        self.release()
        with self.lock:
            self.received.clear()
            self.logins.clear()
            self.commands.clear()
        self.refuse.clear()
        self.released.clear()
        self.held.clear()

    def hold(self) -> None:
        """The next conversation waits at RCPT (no mail taken) until `release`."""
        self.released.clear()
        self.held.clear()
        self.holding = True

    def release(self) -> None:
        self.holding = False
        self.released.set()

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [mail for mail in self.received if address in mail.recipients]

    def wait_for(self, count: int, seconds: float = 10.0) -> list[Received]:
        """The mails received once there are `count` of them; fails after `seconds`."""
        deadline = time.monotonic() + seconds
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} mails"
            time.sleep(0.02)
        with self.lock:
            return list(self.received)

    def _authenticate(self, _server, _session, _envelope, mechanism: str,
                      auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = (auth_data.login.decode(), auth_data.password.decode())
        if login != self.login:
            return AuthResult(success=False, handled=False)
        with self.lock:
            self.logins.append(login[0])
        return AuthResult(success=True)


class _Handler:
    """aiosmtpd's hooks, doing what the server is told."""

    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_EHLO(self, _server, session, _envelope, hostname, responses):  # noqa: N802
        self._heard("EHLO")
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, _server, _session, envelope, address, options):  # noqa: N802
        self._heard("MAIL")
        envelope.mail_from, envelope.mail_options = address, list(options)
        return "250 OK"

    async def handle_RCPT(self, _server, _session, envelope, address, _options):  # noqa: N802
        self._heard("RCPT")
        server = self.server
        if server.holding:
            server.holding = False
            server.held.set()
            while not server.released.is_set():
                await asyncio.sleep(0.02)
        if address in server.refuse:
            return server.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802
        self._heard("DATA")
        mail = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.server.lock:
            self.server.received.append(Received(envelope.mail_from,
                                                 tuple(envelope.rcpt_tos), mail))
        return "250 2.0.0 Accepted for delivery"

    def _heard(self, command: str) -> None:
        with self.server.lock:
            self.server.commands.append(command)


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SMTPServer]:
    """One SMTP server for a test module."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: SMTPServer) -> SMTPServer:
    """The module's server, running, with nothing received, refused or held."""
    smtp_server.empty()
    return smtp_server
