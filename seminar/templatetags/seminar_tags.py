"""Dates in Hong Kong time with the zone named, and the language switcher."""

from datetime import date, datetime

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext

register = template.Library()


def _local(value: datetime) -> datetime:
    # Seminars are held in Hong Kong time (settings.TIME_ZONE), whatever zone a request activated.
    return timezone.localtime(value, timezone.get_default_timezone())


@register.filter
def hkt_date(value: datetime | None) -> str:
    """ "12 August 2022 (Friday)" in the active language's format."""
    return "" if value is None else day_label(_local(value).date())


@register.filter
def hkt_day(value: datetime | None) -> date | None:
    """The day in Hong Kong, to group a programme by."""
    return None if value is None else _local(value).date()


@register.filter
def day_label(day: date) -> str:
    """ "12 August 2022 (Friday)", "2022年8月12日（星期五）": a day as the site writes it."""
    # Chinese puts the weekday in full-width brackets: the pattern is translated.
    return pgettext("a date and its weekday", "%(date)s (%(weekday)s)") % {
        "date": date_format(day, "DATE_FORMAT"),
        "weekday": date_format(day, "l"),
    }


@register.filter
def hkt_year(value: datetime | None) -> str:
    """The year in Hong Kong: a seminar on 31 December 20:00 UTC is already in the next."""
    return "" if value is None else str(_local(value).year)


@register.filter
def edition_year(seminar) -> str:
    """The edition's year for a list of editions, or "" when its title (in the active language)
    already says it: "2025 2025 Guangdong/Hong Kong Seminar" reads as a mistake."""
    year = hkt_year(seminar.starts_at)
    return "" if year in str(seminar.title) else year


@register.filter
def hkt_time(value: datetime | None) -> str:
    """ "14:30 HKT": 24-hour clock, as Hong Kong government notices print it."""
    if value is None:
        return ""
    local = _local(value)
    return f"{local:%H:%M} {local.tzname()}"


@register.filter
def hkt_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{hkt_date(value)} {hkt_time(value)}"


@register.simple_tag
def hkt_range(starts_at: datetime, ends_at: datetime) -> str:
    """ "12 August 2022 (Friday) 14:30–17:00 HKT"; both dates when it spans midnight."""
    start, end = _local(starts_at), _local(ends_at)
    if start.date() == end.date():
        return f"{hkt_date(start)} {start:%H:%M}–{end:%H:%M} {end.tzname()}"
    return f"{hkt_datetime(start)} – {hkt_datetime(end)}"


@register.simple_tag
def hkt_clock_range(starts_at: datetime, ends_at: datetime) -> str:
    """ "09:00–09:30 HKT": a session's times, its day said elsewhere."""
    start, end = _local(starts_at), _local(ends_at)
    return f"{start:%H:%M}–{end:%H:%M} {end.tzname()}"


@register.simple_tag
def sentence_space() -> str:
    """The space between two sentences: none in Chinese, where "。" already ends one."""
    return "" if get_language().startswith("zh") else " "


# What ends a sentence or a label already, in either script: a colon after it would double it.
_CLOSING_PUNCTUATION = ".。:：?？!！"


@register.filter
def label_stem(label: str) -> str:
    """A field's label ready for a colon after it: "Keep my address ... opens." lists as
    "Keep my address ... opens: <error>", not "opens.: <error>" (nor "。：" in Chinese)."""
    return str(label).rstrip().rstrip(_CLOSING_PUNCTUATION).rstrip()


@register.inclusion_tag("_language_switcher.html", takes_context=True)
def language_switcher(context: template.Context) -> dict:
    """Links to this same page in each language (the URL prefix picks the language)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = context.get("LANGUAGE_CODE")
    languages = [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in settings.LANGUAGE_NATIVE_NAMES.items()
    ]
    return {"languages": languages}
