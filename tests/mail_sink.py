"""A local SMTP server for the outbox tests: it records what arrives (by Message-ID), counts the
connections, and can misbehave the way real servers do (close a connection after some messages,
say 421, hang up in the middle of DATA, refuse an address, be slow)."""

import asyncio
import re
import socket
from collections import Counter

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID: *(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink:
    """Start with `with MailSink() as sink:`; point MAILERS at `sink.port`.

    - close_after: hang up at the next MAIL FROM once a connection has carried this many
      messages (say421=True answers 421 first, as a server closing the channel does);
    - hang_up_in_data: addresses whose DATA is cut off (the message is not kept);
    - refuse: addresses refused at RCPT TO (550);
    - delay: seconds each DATA takes.
    """

    def __init__(
        self,
        *,
        close_after: int = 0,
        say421: bool = False,
        hang_up_in_data: tuple[str, ...] = (),
        refuse: tuple[str, ...] = (),
        delay: float = 0,
    ) -> None:
        self.port = free_port()
        self.close_after = close_after
        self.say421 = say421
        self.hang_up_in_data = set(hang_up_in_data)
        self.refuse = set(refuse)
        self.delay = delay
        self.connections = 0
        self.messages: list[tuple[str, bytes]] = []  # (recipient, Message-ID)
        self.cut_off: list[tuple[str, bytes]] = []  # what was cut off in DATA, not kept
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "MailSink":
        self.controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.controller.stop()

    @property
    def message_ids(self) -> Counter:
        return Counter(message_id for _, message_id in self.messages)

    @property
    def recipients(self) -> list[str]:
        return [recipient for recipient, _ in self.messages]

    def mailers(self) -> dict:
        options = {"host": "127.0.0.1", "port": self.port, "timeout": 5}
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": options,
            }
        }

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        session.carried = 0
        self.connections += 1
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.close_after and session.carried >= self.close_after:
            if self.say421:
                asyncio.get_running_loop().call_soon(server.transport.close)
                return "421 Too many messages on this connection, closing"
            server.transport.close()
            return "250 OK"  # never read: the connection is gone
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        (recipient,) = envelope.rcpt_tos
        found = MESSAGE_ID.search(envelope.content)
        received = (recipient, found.group(1) if found else b"")
        if recipient in self.hang_up_in_data:
            self.hang_up_in_data.discard(recipient)  # once: the retry goes through
            self.cut_off.append(received)
            server.transport.close()
            return "250 OK"  # never read
        self.messages.append(received)
        session.carried += 1
        return "250 OK"
