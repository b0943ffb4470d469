"""An email's bytes for SMTP, written out directly for the shape our emails have.

Django builds a message with the standard library's email package, which parses and refolds every
header of every MIME part: 3 to 4 ms an email, more than rendering its templates. Our emails have
one shape (a plain-text body, HTML, text attachments such as the calendar file, plain addresses),
which takes a tenth of that to write directly. Anything else (another kind of attachment, Cc or
Reply-To, an address with a name or outside ASCII, a header we do not write) goes through Django
as before. tests/registrations/test_mail_bytes.py reads both with the standard parser and checks
that they say the same thing.
"""

import base64
import binascii
import email.policy
import re
import secrets
from datetime import UTC, datetime
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import EmailAttachment
from django.core.mail.utils import DNS_NAME
from django.utils.encoding import force_str
from django.utils.timezone import get_current_timezone

CRLF = b"\r\n"
# A bare address, as the outbox sends to: no name, no list, nothing to encode.
PLAIN_ADDRESS = re.compile(r"[!#-'*+\-/-9=?A-Z^-~.]+@[A-Za-z0-9.\-]+")
TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~]+")
# Headers this module writes itself, or whose presence means the message is not our shape.
OWN_HEADERS = {
    "from", "to", "cc", "bcc", "reply-to", "date", "mime-version", "content-type",
    "content-transfer-encoding", "content-disposition", "subject",
}  # fmt: skip


def message_bytes(message: EmailMessage) -> bytes:
    """The message as the SMTP backend would send it."""
    try:
        written = _write(message)
    except UnicodeEncodeError:
        written = None  # text Django would still send (surrogates): let it
    if written is None:
        written = message.message(policy=email.policy.SMTP).as_bytes()
    return written


def _write(message: EmailMessage) -> bytes | None:
    if type(message) not in (EmailMessage, EmailMultiAlternatives):
        return None  # a subclass may build its message differently
    if message.cc or message.reply_to or not message.body or message.content_subtype != "plain":
        return None
    if (message.encoding or settings.DEFAULT_CHARSET).lower() != "utf-8":
        return None
    if not message.to or not all(PLAIN_ADDRESS.fullmatch(str(to)) for to in message.to):
        return None
    sender = str(message.from_email)
    if not parseaddr(sender)[1].isascii():
        return None
    extra = {str(name): force_str(value) for name, value in message.extra_headers.items()}
    if any(name.lower() in OWN_HEADERS or not TOKEN.fullmatch(name) for name in extra):
        return None
    alternatives = getattr(message, "alternatives", [])
    if not all(_is_text(content, mimetype) for content, mimetype in alternatives):
        return None
    attachments = message.attachments
    if not all(_is_text_attachment(attachment) for attachment in attachments):
        return None

    headers, payload = _text_part(message.body, "text/plain")
    if alternatives:
        parts = [(headers, payload)]
        parts += [_text_part(content, mimetype) for content, mimetype in alternatives]
        headers, payload = _multipart("alternative", parts)
    if attachments:
        parts = [(headers, payload)] + [_attachment_part(*attachment) for attachment in attachments]
        headers, payload = _multipart("mixed", parts)

    if "Message-ID" not in extra and "message-id" not in {name.lower() for name in extra}:
        extra["Message-ID"] = make_msgid(domain=DNS_NAME)
    zone = get_current_timezone() if settings.EMAIL_USE_LOCALTIME else UTC
    lines = [
        b"MIME-Version: 1.0\r\n",
        headers,
        _header("Subject", str(message.subject)),
        _header("From", sender),
        _header("To", ", ".join(str(to) for to in message.to)),
        _header("Date", format_datetime(datetime.now(zone))),
        *(_header(name, value) for name, value in extra.items()),
        CRLF,
        payload,
    ]
    return b"".join(lines)


def _is_text(content, mimetype: str) -> bool:
    return isinstance(content, str) and _content_type(mimetype) is not None


def _is_text_attachment(attachment) -> bool:
    return (
        isinstance(attachment, EmailAttachment)
        and isinstance(attachment.content, str)
        and bool(attachment.filename)
        and TOKEN.fullmatch(attachment.filename.replace(" ", "")) is not None
        and _content_type(attachment.mimetype) is not None
    )


@lru_cache(maxsize=64)
def _content_type(mimetype: str) -> bytes | None:
    """'text/calendar; charset=utf-8; method=PUBLISH' as a header value, charset utf-8, or
    None when it is not text or has a parameter this module would have to quote."""
    kind, *parameters = (part.strip() for part in mimetype.split(";"))
    if not kind.startswith("text/") or not TOKEN.fullmatch(kind.replace("/", "")):
        return None
    written = [f'{kind}; charset="utf-8"']
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        name, value = name.strip(), value.strip().strip('"')
        if name.lower() == "charset":
            continue
        if not TOKEN.fullmatch(name) or not TOKEN.fullmatch(value):
            return None
        written.append(f'{name}="{value}"')
    return "; ".join(written).encode()


def _text_part(content: str, mimetype: str, disposition: bytes = b"") -> tuple[bytes, bytes]:
    lines = content.encode("utf-8").splitlines()
    if all(line.isascii() and len(line) <= 78 for line in lines):
        encoding, payload = b"7bit", CRLF.join(lines) + CRLF
    elif content.isascii():
        # Long lines of ASCII (HTML): quoted-printable keeps them readable and small.
        payload = binascii.b2a_qp(b"\n".join(lines) + b"\n", istext=True)
        encoding, payload = b"quoted-printable", payload.replace(b"\n", CRLF)
    else:
        payload = base64.encodebytes(CRLF.join(lines) + CRLF)
        encoding, payload = b"base64", payload.replace(b"\n", CRLF)
    headers = (
        b"Content-Type: "
        + _content_type(mimetype)
        + CRLF
        + b"Content-Transfer-Encoding: "
        + encoding
        + CRLF
        + disposition
    )
    return headers, payload


def _attachment_part(filename: str, content: str, mimetype: str) -> tuple[bytes, bytes]:
    disposition = f'Content-Disposition: attachment; filename="{filename}"'.encode() + CRLF
    return _text_part(content, mimetype, disposition)


def _multipart(subtype: str, parts: list[tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    boundary = b"===============" + secrets.token_hex(12).encode() + b"=="
    while any(boundary in payload for _, payload in parts):  # as good as never
        boundary = b"===============" + secrets.token_hex(12).encode() + b"=="
    body = b"".join(
        b"--" + boundary + CRLF + headers + CRLF + payload + CRLF for headers, payload in parts
    )
    headers = b"Content-Type: multipart/" + subtype.encode() + b'; boundary="' + boundary + b'"'
    return headers + CRLF, body + b"--" + boundary + b"--" + CRLF


def _header(name: str, value: str) -> bytes:
    if "\r" in value or "\n" in value:
        raise ValueError("Header values may not contain linefeed or carriage return characters")
    line = f"{name}: {value}"
    # Written as it is only when a reader could not take it for anything else: printable
    # ASCII, short, no "=?" that would read as an encoded word, no space at either end.
    plain = value.isascii() and value.isprintable() and value == value.strip()
    # A long value with no space to fold at (a List-Unsubscribe address, a Message-ID) is one
    # line too, up to the 998 characters a line may have: folding it would turn it into encoded
    # words, which mail clients do not read as an address.
    fits = len(line) <= 78 or (" " not in value and len(line) <= 998)
    if plain and fits and "=?" not in value:
        return line.encode() + CRLF
    return _folded(name, value)


@lru_cache(maxsize=256)
def _folded(name: str, value: str) -> bytes:
    # Long, or not ASCII (a subject in Chinese): as the standard library writes it. The same
    # few subjects come back for every email of a batch, hence the cache.
    policy = email.policy.SMTP
    return policy.fold_binary(*policy.header_store_parse(name, value))
