"""Columns shared by the admin's lists, so each list reads well on a 1280 px screen beside the
admin's navigation and filters: short cells that wrap, if at all, where a person would."""

import re
from datetime import datetime

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from seminar.models import Seminar

SHORT_TITLE_CHARACTERS = 32
# Where an address may wrap first: "chan.tai.man@" / "harbour-trading.example.com".
EMAIL_BREAKS = re.compile(r"(?<=@)")


def seminar_short(seminar: Seminar) -> str:
    """The seminar's title cut to fit a column, the whole title on hover."""
    title = seminar.title
    return format_html(
        '<span title="{}">{}</span>', title, Truncator(title).chars(SHORT_TITLE_CHARACTERS)
    )


def email_wrappable(email: str) -> str:
    """The address with a line-break opportunity after the "@" (the stylesheet breaks a part
    still too long for the column anywhere)."""
    return format_html_join(
        mark_safe("<wbr>"), "{}", ((part,) for part in EMAIL_BREAKS.split(email))
    )


def when_short(moment: datetime | None) -> str:
    """ "2026-11-27 13:28" in Hong Kong time: sorts and scans like the exports' times."""
    if moment is None:
        return "—"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
