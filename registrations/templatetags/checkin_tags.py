"""The check-in QR code on the registrant's private page, as inline SVG (markup, not a script or
a style attribute, so the strict Content Security Policy allows it)."""

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from registrations.qr import checkin_qr_svg

register = template.Library()


@register.simple_tag
def checkin_qr(registration) -> str:
    # segno writes the SVG from the code alone (our own alphabet): nothing to escape.
    return mark_safe(checkin_qr_svg(registration=registration))  # noqa: S308


@register.filter
def email_masked(email: str) -> str:
    """ "c***@example.com": enough at the door to tell two namesakes apart (which one has the
    company address) without showing staff the whole address."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return ""
    return f"{local[:1]}***@{domain}"


@register.filter
def is_today(value) -> bool:
    """Whether a time falls on today's date in Hong Kong (else the page shows the date too)."""
    return value is not None and timezone.localdate(value) == timezone.localdate()
