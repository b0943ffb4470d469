"""Rules on the programme's values that model clean(), forms and services all import, so each
is written once."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .templatetags.seminar_tags import hkt_range

phone_validate = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{5,28}$",
    _(
        "Enter a phone number using digits, spaces and an optional + country code, "
        "e.g. +852 2961 6901."
    ),
)

SESSION_OUTSIDE_SEMINAR = _("Sessions must be within the seminar's time (%(seminar_time)s).")


def session_within_seminar_validate(
    *,
    starts_at: datetime | None,
    ends_at: datetime | None,
    seminar_starts_at: datetime | None,
    seminar_ends_at: datetime | None,
) -> None:
    """Refuse a session that starts before its seminar or ends after it.

    The message sits next to whichever of the session's times is outside. Incomplete times (a
    field that failed its own check) are left to that field's message.
    """
    if None in (starts_at, ends_at, seminar_starts_at, seminar_ends_at):
        return
    if seminar_ends_at <= seminar_starts_at:
        return  # the seminar's own times are wrong; its form says so
    message = ValidationError(
        SESSION_OUTSIDE_SEMINAR,
        code="session_outside_seminar",
        params={"seminar_time": hkt_range(seminar_starts_at, seminar_ends_at)},
    )
    errors = {}
    if not seminar_starts_at <= starts_at < seminar_ends_at:
        errors["starts_at"] = message
    if not seminar_starts_at < ends_at <= seminar_ends_at:
        errors["ends_at"] = message
    if errors:
        raise ValidationError(errors)


CERTIFICATE_PERCENT_TOO_HIGH = _(
    "A per cent of the seminar's length is at most 100: enter 100 or less, or use minutes."
)


def certificate_minimum_validate(*, unit: str, minimum: int | None) -> None:
    """A share of the seminar cannot be more than all of it."""
    if unit == "percent" and minimum is not None and minimum > 100:
        raise ValidationError(CERTIFICATE_PERCENT_TOO_HIGH, code="certificate_percent")
