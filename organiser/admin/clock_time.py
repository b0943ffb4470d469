"""A clock time typed the way people type one: "09:30", "0930", "930", "9.30", "9:30 am",
"2:15 pm", "上午9:30", or with a Chinese keyboard's full-width digits and colon ("０９：３０").
A phone's numeric keypad has no ":", so the box must not need one."""

import re
import unicodedata
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

TIME_INVALID = _("Enter a time such as 09:30, 0930 or 2:15 pm.")

_CLOCK = re.compile(
    r"""^(?P<before>上午|下午|中午|早上|晚上)?
    (?P<hour>\d{1,2})(?:[:.]?(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?
    (?P<after>am|pm|a\.m\.|p\.m\.)?$""",
    re.VERBOSE,
)
_AFTERNOON = {"pm", "p.m.", "下午", "中午", "晚上"}


def clock_time_parse(text: str) -> time | None:
    """The time meant by `text`, or None when it is not a time."""
    # NFKC turns full-width digits and "：" into their ASCII forms.
    typed = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    # "0930" and "930": the last two digits are the minutes.
    match = _CLOCK.match(typed)
    if match is None:
        return None
    parts = match.groupdict()
    hour, minute = int(parts["hour"]), int(parts.get("minute") or 0)
    second = int(parts.get("second") or 0)
    half = parts.get("after") or parts.get("before")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half in _AFTERNOON else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


class ClockTimeField(forms.TimeField):
    default_error_messages = {"invalid": TIME_INVALID}
    input_formats = ("clock",)

    def strptime(self, value: str, format: str) -> time:
        # Django tries each input format in turn; one is enough here.
        parsed = clock_time_parse(value)
        if parsed is None:
            raise ValueError(value)
        return parsed
