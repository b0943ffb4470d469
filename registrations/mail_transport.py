"""One connection to the mail server for a batch of emails.

Opening an SMTP connection (TCP, EHLO, often TLS and a login) costs more than sending a message
over it, so a worker sends a batch over one. Servers drop connections (an idle timeout, a limit of
messages per connection, a restart); the session then connects again. It never sends a message
twice: a message is sent again on the new connection only when the connection was lost before the
message was handed over (the envelope, MAIL FROM and RCPT TO, had not been accepted). Once the
DATA command has started, the server may have the message even if we never see its reply, so the
error is raised and the outbox decides (a retry later, with the same Message-ID).

A message is handed over (hand_over) and its answer read later (accepted), so that the caller
can build the next message while the server works on this one.

With a backend that is not SMTP (files under var/mail in development, memory in tests) there is
no connection to lose, and each message goes to the backend as it is.
"""

import re
import smtplib
from contextlib import suppress

from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

from .mail_bytes import PLAIN_ADDRESS, message_bytes

LEADING_DOT = re.compile(rb"(?m)^\.")
# The server hung up before the message was handed over, or said it is closing the channel
# (421): the message is not there, and a new connection may take it.
_DROPPED = (smtplib.SMTPServerDisconnected, ConnectionError)


class MailSession:
    """Send messages one by one over one connection, opened on first use, closed on exit.

    `send` raises smtplib.SMTPException or OSError when the message was not accepted (or might
    not have been); the session stays usable for the next message. Once the server cannot be
    reached at all, later messages fail at once instead of each waiting for a timeout.
    """

    def __init__(self) -> None:
        self.backend = mailers.default
        self.smtp = isinstance(self.backend, SmtpBackend)
        self.connections = 0  # how many times it connected: one per batch unless dropped
        self._opened = False
        self._unreachable: OSError | None = None
        self._prepared: dict[str, str] = {}
        self._answer_due = False

    def __enter__(self) -> "MailSession":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self._opened:
            self._opened = False
            # A connection that is gone already has nothing left to close.
            with suppress(smtplib.SMTPException, OSError):
                self.backend.close()

    def send(self, message: EmailMessage) -> None:
        self.hand_over(message)
        self.accepted()

    def hand_over(self, message: EmailMessage) -> None:
        """Send the message up to the end of its DATA, without waiting for the server's answer
        (see accepted): the caller can build the next message meanwhile."""
        if not self.smtp:
            self._open()
            self.backend.send_messages([message])
            return
        sender = self._envelope_address(message.from_email)
        recipients = [self._envelope_address(address) for address in message.recipients()]
        data = message_bytes(message)
        for attempt in (1, 2):
            self._open()
            try:
                self._envelope(sender, recipients, len(data))
                break
            except _DROPPED:
                self._drop()
                if attempt == 2:
                    raise
        self._data(data)
        self._answer_due = True

    def accepted(self) -> None:
        """Read the server's answer to the message handed over last; raises when it was not
        accepted (or might not have been)."""
        if not self._answer_due:
            return
        self._answer_due = False
        connection = self.backend.connection
        try:
            code, reply = connection.getreply()
        except (smtplib.SMTPServerDisconnected, OSError):
            self._drop()
            raise
        if code == 421:
            self._drop()
        elif code != 250:
            connection.rset()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    def _envelope_address(self, address: str) -> str:
        # A plain ASCII address is its own envelope address; the backend's parser (which also
        # refuses line breaks and encodes international domains) is for anything else.
        if PLAIN_ADDRESS.fullmatch(address):
            return address
        if address not in self._prepared:  # the sender's, the same for the whole batch
            self._prepared[address] = self.backend.prep_address(address)
        return self._prepared[address]

    def _open(self) -> None:
        if self._unreachable is not None:
            raise self._unreachable
        if self._opened:
            return
        try:
            self.backend.open()
        except OSError as error:
            self._unreachable = error
            raise
        self._opened = True
        self.connections += 1

    def _drop(self) -> None:
        # close() says QUIT, which a dead connection answers with an error: close the socket.
        connection, self.backend.connection = self.backend.connection, None
        self._opened = False
        self._answer_due = False
        if connection is not None:
            connection.close()

    def _envelope(self, sender: str, recipients: list[str], size: int) -> None:
        """MAIL FROM and RCPT TO, as smtplib's sendmail says them. A 421 reply means the server
        is closing the connection: raised as a drop, since nothing was handed over."""
        connection = self.backend.connection
        connection.ehlo_or_helo_if_needed()
        options = [f"size={size}"] if connection.does_esmtp and connection.has_extn("size") else []
        code, reply = connection.mail(sender, options)
        if code == 421:
            raise smtplib.SMTPServerDisconnected(reply)
        if code != 250:
            connection.rset()
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        refused = {}
        for recipient in recipients:
            code, reply = connection.rcpt(recipient)
            if code == 421:
                raise smtplib.SMTPServerDisconnected(reply)
            if code not in (250, 251):
                refused[recipient] = (code, reply)
        if len(refused) == len(recipients):
            connection.rset()
            raise smtplib.SMTPRecipientsRefused(refused)

    def _data(self, data: bytes) -> None:
        """DATA and the message, as smtplib's data() sends them, short of reading the answer."""
        connection = self.backend.connection
        try:
            connection.putcmd("data")
            code, reply = connection.getreply()
            if code != 354:
                if code == 421:
                    self._drop()
                raise smtplib.SMTPDataError(code, reply)
            # A line starting with a dot gets a second one; a dot alone on a line ends it.
            body = LEADING_DOT.sub(b"..", data)
            connection.send(body + (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n")
        except (smtplib.SMTPServerDisconnected, OSError):
            self._drop()
            raise
