"""Local email: each message saved under var/mail/ twice, as a .eml any mail client opens and
as a .txt a developer can read in a terminal (subject, recipients and the plain-text body)."""

import email.policy
import re
import threading
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

# Long addresses in headers (List-Unsubscribe) stay on one line, as the SMTP path writes them,
# instead of being folded into encoded words.
UNFOLDED = email.policy.SMTP.clone(max_line_length=998)


class ReadableFileEmailBackend(BaseEmailBackend):
    _lock = threading.Lock()
    _counter = 0

    def __init__(self, *, file_path: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.directory = Path(file_path)

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            with self._lock:
                ReadableFileEmailBackend._counter += 1
                number = ReadableFileEmailBackend._counter
            recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", ",".join(message.to))[:80]
            stem = f"{timezone.now():%Y%m%d-%H%M%S}-{number:04d}-{recipient}"
            eml = message.message(policy=UNFOLDED).as_bytes()
            (self.directory / f"{stem}.eml").write_bytes(eml)
            attachments = ", ".join(str(attachment[0]) for attachment in message.attachments)
            summary = (
                f"Subject: {message.subject}\nFrom: {message.from_email}\n"
                f"To: {', '.join(message.to)}\n"
                + (f"Attachments: {attachments}\n" if attachments else "")
                + f"\n{message.body}"
            )
            (self.directory / f"{stem}.txt").write_text(summary, encoding="utf-8")
        return len(email_messages)
