"""An announcement as one registrant gets it: in their language, with their placeholders filled.

The organiser writes plain text. It becomes the HTML layout every email has
(templates/emails/_base.html): escaped, a blank line starts a paragraph, a single line break
stays a line break, and web addresses become links; no markup from the organiser survives.
A news email carries a one-click unsubscribe link and the List-Unsubscribe headers (RFC 8058).

Each registrant reads it in their language when the organiser wrote both its subject and its
message in that language; otherwise the whole email is in English (the organisers' required
language): the text, and with it the placeholders' values, the greeting, the footer, the links'
pages and the HTML's lang, so nobody gets English sentences around Chinese dates and names.

A test to an organiser is built the same way for the registrant chosen, with "[Test]" before
the subject. The registrant's private links (manage, unsubscribe) are stand-ins in a test and
in the admin's preview: those links act for the registrant, and stay in their mailbox alone.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import iri_to_uri
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from modeltranslation.utils import build_localized_fieldname

from .models import Announcement, Notification, Registration
from .placeholders import (
    TEXT_FIELDS,
    announcement_uses_join_link,
    placeholder_values,
    placeholders_fill,
    sample_manage_url,
)
from .unsubscribe import unsubscribe_url

# A web address ends at white space, at quotes or angle brackets, and at Chinese punctuation
# (CJK symbols, full-width forms, curly quotes, the ellipsis): organisers write
# "詳情見https://example.org。" without a space. Chinese characters belong to it
# (https://example.com/繁體?x=1); its link is percent-encoded, the text shown as typed.
URL = re.compile(
    r"https?://[^\s<>\"'\u2018-\u201f\u2026\u3000-\u303f\uff00-\uffef]+", re.IGNORECASE
)
# Punctuation that ends a sentence rather than the address.
URL_TRAILING = ".,;:!?)]}'\""
PARAGRAPH_STYLE = "font-size:15px;line-height:1.5"
LINK_STYLE = "color:#0b5394"


def _linked(line: str) -> SafeString:
    parts, position = [], 0
    for match in URL.finditer(line):
        address = match.group(0).rstrip(URL_TRAILING)
        if address.count("(") > address.count(")") and match.group(0)[len(address) :][:1] == ")":
            address += ")"  # https://en.wikipedia.org/wiki/Seminar_(disambiguation)
        parts.append(escape(line[position : match.start()]))
        parts.append(
            format_html('<a href="{}" style="{}">{}</a>', iri_to_uri(address), LINK_STYLE, address)
        )
        position = match.start() + len(address)
    parts.append(escape(line[position:]))
    return SafeString("".join(parts))


def body_html(text: str) -> SafeString:
    """Plain text as HTML paragraphs: escaped, line breaks kept, web addresses linked."""
    paragraphs = re.split(r"\n[ \t]*\n\s*", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return format_html_join(
        "\n",
        '<p style="{}">{}</p>',
        (
            (
                PARAGRAPH_STYLE,
                SafeString("<br>\n".join(_linked(line) for line in paragraph.split("\n"))),
            )
            for paragraph in paragraphs
            if paragraph.strip()
        ),
    )


@dataclass(frozen=True)
class AnnouncementEmail:
    subject: str
    text: str
    html: str
    headers: dict[str, str]
    to: str
    language: str


def announcement_language(announcement: Announcement, preferred: str) -> str:
    """The language the whole email is in: `preferred` when the announcement has both a
    subject and a message in it, else the default (English, which is always written)."""
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if preferred == default:
        return default
    written = all(
        (getattr(announcement, build_localized_fieldname(field, preferred), None) or "").strip()
        for field in TEXT_FIELDS
    )
    return preferred if written else default


def announcement_email(
    *,
    announcement: Announcement,
    registration: Registration,
    test_to: str = "",
    preview: bool = False,
) -> AnnouncementEmail:
    """The announcement as `registration` gets it; to `test_to` instead, as a test; with
    stand-ins for the private links for a `preview` too."""
    language = announcement_language(announcement, registration.preferred_language)
    test = bool(test_to)
    sample = test or preview
    with translation.override(language):
        manage_url = sample_manage_url() if sample else _absolute(registration.get_absolute_url())
        values = placeholder_values(registration=registration, manage_url=manage_url, sample=sample)
        subject = placeholders_fill(announcement.subject, values)
        body = placeholders_fill(announcement.body, values)
        if test:
            subject = gettext("[Test] %(subject)s") % {"subject": subject}
        unsubscribe = None
        if announcement.purpose == Announcement.Purpose.NEWS:
            unsubscribe = (
                f"{settings.SITE_URL}/unsubscribe/personal-link/"
                if sample
                else unsubscribe_url(registration=registration)
            )
        context = {
            "registration": registration,
            "seminar": registration.seminar,
            "language": language,
            "headline": subject,
            "body": body,
            "body_html": body_html(body),
            "manage_url": manage_url,
            "unsubscribe_url": unsubscribe,
        }
        # render_to_string marks its result safe, which plain text is not: a name typed as
        # markup is text here, and any page that shows this version must escape it.
        text = str.__str__(render_to_string("emails/announcement.txt", context))
        html = render_to_string("emails/announcement.html", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe and not sample:
        # RFC 8058: mail clients offer "Unsubscribe" and POST to the link, no page needed.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return AnnouncementEmail(
        subject=" ".join(subject.split()),  # a line break typed in a subject would end it
        text=text,
        html=html,
        headers=headers,
        to=test_to or registration.email,
        language=language,
    )


def announcement_message_build(*, notification: Notification) -> EmailMultiAlternatives:
    """The message for an announcement's outbox row, ready to send."""
    email = announcement_email(
        announcement=notification.announcement,
        registration=notification.registration,
        test_to=notification.recipient,
    )
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=email.headers,
    )
    message.attach_alternative(email.html, "text/html")
    return message


def announcement_still_applies(notification: Notification) -> bool:
    """Whether the row may still go when its turn comes (delivery._still_applies asks, after
    its own check that the registrant's personal data is still there).

    News goes only while the registrant still wants news (they may have unsubscribed since it
    was queued); a message carrying the join link only while the seat is confirmed (a
    registrant moved to the waitlist, declined or cancelled since never gets the link). A test
    to an organiser always goes.
    """
    if notification.recipient:
        return True
    announcement = notification.announcement
    registration = notification.registration
    if announcement.purpose == Announcement.Purpose.NEWS and not registration.news_opt_in:
        return False
    return not announcement_uses_join_link(announcement) or registration.seat_is_confirmed


def _absolute(path: str) -> str:
    return settings.SITE_URL + path
