"""Builds each email a registrant gets, in their preferred language, from templates/emails/.

Confirmation, promotion and reminder share one layout ("seat": everything needed to join, with the
calendar file); waitlisted and cancelled have their own. The organiser's opening paragraph for each
kind comes from EmailText.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .calendar import calendar_ics
from .models import EmailText, Notification
from .selectors import registration_waitlist_position

Kind = Notification.Kind

SUBJECTS = {
    Kind.CONFIRMATION: _("Registration confirmed: %(title)s"),
    Kind.PROMOTED: _("A seat is now yours: %(title)s"),
    Kind.REMINDER: _("Reminder: %(title)s starts soon"),
    Kind.WAITLISTED: _("You are on the waitlist: %(title)s"),
    Kind.CANCELLED: _("Registration cancelled: %(title)s"),
}
HEADLINES = {
    Kind.CONFIRMATION: _("Your registration is confirmed."),
    Kind.PROMOTED: _("Good news: a seat has become free and it is now yours."),
    Kind.REMINDER: _("This is a reminder that the seminar starts soon."),
    Kind.WAITLISTED: _("The seminar is full, so you are on the waitlist."),
    Kind.CANCELLED: _("Your registration has been cancelled."),
}
TEMPLATES = {
    Kind.CONFIRMATION: "seat",
    Kind.PROMOTED: "seat",
    Kind.REMINDER: "seat",
    Kind.WAITLISTED: "waitlisted",
    Kind.CANCELLED: "cancelled",
}


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def message_build(*, notification: Notification) -> EmailMultiAlternatives:
    """The message for this notification, in the registrant's language, ready to send."""
    registration = notification.registration
    seminar = registration.seminar
    kind = Kind(notification.kind)
    with translation.override(registration.preferred_language):
        intro = EmailText.objects.filter(seminar=seminar, kind=kind).first()
        seat = TEMPLATES[kind] == "seat" and registration.seat_is_confirmed
        context = {
            "registration": registration,
            "seminar": seminar,
            "sessions": seminar.sessions.order_by("starts_at", "order", "pk"),
            "headline": HEADLINES[kind],
            "intro": intro.intro if intro else "",
            "manage_url": _absolute(registration.get_absolute_url()),
            "seminar_url": _absolute(seminar.get_absolute_url()),
            "show_join_details": seat,
            "waitlist_position": registration_waitlist_position(registration=registration),
        }
        template = TEMPLATES[kind]
        subject = str(SUBJECTS[kind] % {"title": seminar.title})
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[registration.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(html, "text/html")
        if seat:
            message.attach(
                "seminar.ics",
                calendar_ics(seminar=seminar, registration=registration),
                "text/calendar; charset=utf-8; method=PUBLISH",
            )
    return message
