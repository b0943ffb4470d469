"""The check-in QR code on the registrant's private page, as inline SVG (markup, not a script or
a style attribute, so the strict Content Security Policy allows it)."""

from django import template
from django.utils.safestring import mark_safe

from registrations.qr import checkin_qr_svg

register = template.Library()


@register.simple_tag
def checkin_qr(registration) -> str:
    # segno writes the SVG from the code alone (our own alphabet): nothing to escape.
    return mark_safe(checkin_qr_svg(registration=registration))  # noqa: S308
