"""Columns shared by the admin's lists, so each list fits a 1280 px screen beside its filters."""

from django.utils.html import format_html
from django.utils.text import Truncator

from seminar.models import Seminar

SHORT_TITLE_CHARACTERS = 40


def seminar_short(seminar: Seminar) -> str:
    """The seminar's title cut to fit a column, the whole title on hover."""
    title = seminar.title
    return format_html(
        '<span title="{}">{}</span>', title, Truncator(title).chars(SHORT_TITLE_CHARACTERS)
    )
