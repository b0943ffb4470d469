"""The bytes we write for an email say what Django's (the standard library's) would: same
headers, same parts, same text, read back with the standard parser."""

import email
import email.policy

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.mail_bytes import message_bytes
from tests.hypothesis_budget import examples

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n"
LONG_LINE = "word " * 40


def read(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def django_bytes(message: EmailMessage) -> bytes:
    return message.message(policy=email.policy.SMTP).as_bytes()


def parts(message) -> list[tuple]:
    """Each part's type, parameters (but the boundary), file name and text."""
    described = []
    for part in message.walk():
        parameters = dict(part.get_params() or [])
        parameters.pop("boundary", None)
        text = None if part.is_multipart() else part.get_content().replace("\r\n", "\n")
        described.append((part.get_content_type(), parameters, part.get_filename(), text))
    return described


def assert_same(message: EmailMessage, headers=("Subject", "From", "To", "Message-ID")):
    ours, theirs = read(message_bytes(message)), read(django_bytes(message))
    for name in headers:
        assert str(ours[name]) == str(theirs[name]), name
    assert parts(ours) == parts(theirs)
    assert ours["Date"] is not None
    assert all(len(line) <= 998 for line in message_bytes(message).split(b"\r\n"))


def registrant_email(**changes) -> EmailMultiAlternatives:
    fields = {
        "subject": "提示：2027粵港知識產權與中小企業發展研討會（網上）即將開始",
        "body": "親愛的陳大文先生：\n\nJoin at https://webinar.example.com/j/1\n" + LONG_LINE,
        "from_email": "Seminar registration <noreply@example.com>",
        "to": ["tai.man.chan@example.com"],
        "headers": {"Message-ID": "<abc123@example.com>", "Auto-Submitted": "auto-generated"},
        **changes,
    }
    message = EmailMultiAlternatives(**fields)
    message.attach_alternative("<p>" + LONG_LINE + "</p>\n<p>親愛的陳大文先生</p>", "text/html")
    message.attach("seminar.ics", ICS.encode(), "text/calendar; charset=utf-8; method=PUBLISH")
    return message


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"subject": "Reminder: " + "Intellectual property for small enterprises " * 3},
        {"body": "Dear Ms CHAN,\n\nShort ASCII lines only.\n"},
        {"body": "Dear Ms CHAN,\n" + LONG_LINE + "\n.leading dot\n"},
        {"from_email": "研討會秘書處 <noreply@example.com>"},
        {"to": ["a@example.com", "b@example.com"]},
    ],
    ids=["chinese", "long subject", "ascii", "long ascii lines", "chinese sender", "two"],
)
def test_our_bytes_read_back_as_djangos(changes):
    assert_same(registrant_email(**changes))


def test_a_plain_message_and_one_without_attachment_read_back_as_djangos():
    plain = EmailMessage(subject="Hello", body="Dear Ms CHAN,\n", to=["a@example.com"])
    assert_same(plain, headers=("Subject", "From", "To"))
    message = registrant_email()
    message.attachments = []
    assert_same(message)


def test_extra_headers_such_as_unsubscribe_links_read_back_as_djangos():
    link = "<https://seminars.example.com/unsubscribe/" + "x" * 120 + "/>"
    message = registrant_email(
        headers={"List-Unsubscribe": link, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    )

    assert_same(message, headers=("Subject", "List-Unsubscribe", "List-Unsubscribe-Post"))
    assert read(message_bytes(message))["List-Unsubscribe"] == link


def test_a_line_break_in_a_header_is_refused_as_django_refuses_it():
    message = registrant_email(subject="Hello\r\nBcc: everyone@example.com")

    with pytest.raises(ValueError):
        message_bytes(message)
    with pytest.raises(ValueError):
        django_bytes(message)


@pytest.mark.parametrize(
    "changes",
    [
        {"cc": ["organiser@example.com"]},
        {"to": ["CHAN Tai Man <tai.man.chan@example.com>"]},
        {"reply_to": ["enquiries@example.com"]},
    ],
    ids=["cc", "named recipient", "reply-to"],
)
def test_other_shapes_go_through_django(changes):
    message = registrant_email(**changes)

    ours = read(message_bytes(message))

    assert parts(ours) == parts(read(django_bytes(message)))
    assert ours["MIME-Version"] == "1.0"
    assert [str(ours[name]) for name in ("Cc", "To", "Reply-To")] == [
        str(read(django_bytes(message))[name]) for name in ("Cc", "To", "Reply-To")
    ]


def test_a_binary_attachment_goes_through_django():
    message = registrant_email()
    message.attach("slides.pdf", b"%PDF-1.4 binary\x00\xff", "application/pdf")

    ours = read(message_bytes(message))

    assert [part.get_content_type() for part in ours.walk()][-1] == "application/pdf"
    assert ours.get_payload()[-1].get_content() == b"%PDF-1.4 binary\x00\xff"


HEADER_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n"),
    min_size=1,
    max_size=120,
)
# Pieces that have tripped mail software: line ends of every kind, dots and spaces at the start
# of a line, long lines, characters outside ASCII.
BODY_TEXT = st.lists(
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
        st.sampled_from(["\n", "\r\n", "\r", ".", " ", "=", "From ", "-" * 90, "é", "陳"]),
    ),
    max_size=40,
).map("".join)


def lines_of(message) -> list:
    """Each part's type, parameters and text line by line (how a line ends is the transfer's
    business, not the reader's)."""
    return [
        (kind, parameters, filename, None if text is None else text.splitlines())
        for kind, parameters, filename, text in parts(message)
    ]


@settings(max_examples=examples(150), deadline=None)
@given(
    subject=HEADER_TEXT,
    body=BODY_TEXT.filter(bool),
    html=BODY_TEXT,
    calendar=st.booleans(),
)
def test_any_text_reads_back_as_djangos(subject, body, html, calendar):
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=["a@example.com"], headers={"Message-ID": "<x@y>"}
    )
    if html:
        message.attach_alternative(html, "text/html")
    if calendar:
        message.attach("seminar.ics", ICS, "text/calendar; charset=utf-8; method=PUBLISH")

    ours, theirs = read(message_bytes(message)), read(django_bytes(message))

    assert str(ours["Subject"]) == str(theirs["Subject"])
    assert lines_of(ours) == lines_of(theirs)


def test_a_long_unsubscribe_address_stays_one_line_a_mail_client_can_read():
    """Folding it would write encoded words (=?utf-8?q?=3Chttp...), which clients do not take for
    an address, so their unsubscribe button would not appear."""
    url = "<https://seminars.example.gov.hk/news/unsubscribe/" + "x" * 120 + "/>"
    message = EmailMessage(
        subject="News",
        body="Hello",
        from_email="noreply@example.com",
        to=["a@example.com"],
        headers={"List-Unsubscribe": url, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )

    written = message_bytes(message)

    assert f"List-Unsubscribe: {url}\r\n".encode() in written
    assert b"=?utf-8?" not in written
    assert read(written)["List-Unsubscribe"] == url
