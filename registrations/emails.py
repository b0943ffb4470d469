"""Builds each email a registrant gets, in their preferred language, from templates/emails/.

Confirmation, promotion and reminder share one layout ("seat": everything needed to join, with the
calendar file); waitlisted and cancelled have their own. A cancellation says what was given
up (a seat, a waitlist place, a request under review), as the audit log recorded it. The
organiser's opening paragraph for each kind comes from EmailText. An email change sends two
messages: a link to the new address (which carries nothing about the registration beyond the
seminar's name, in case the address was mistyped) and a notice to the old one.

Screening adds "received" (under review: no seat, so no joining details and no calendar file) and
"declined" (with the organiser's own words from Notification.note). A change of attendance mode
says the new mode and where the registration now stands; with a confirmed seat it carries the
details for that mode and the calendar file. At a hybrid seminar the join link goes only to online
attendees and the venue only to those in the room (Registration.gets_joining_details, gets_venue).

Change notices list what changed that concerns the registrant, before and now (seminar_changes.py),
with the updated details and, for a confirmed seat, a calendar file that replaces the old entry. A
seminar's cancellation carries a calendar cancellation (METHOD:CANCEL) to those who had a seat.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from seminar.models import AttendanceMode

from .announcement_emails import announcement_message_build
from .calendar import CANCEL, calendar_ics
from .certificate_emails import certificate_message_build
from .checkin_emails import MessageWithCheckinImage, checkin_image
from .email_parts import EmailParts
from .join_links import join_link_opens_at, join_link_url
from .models import Notification, Registration
from .selectors import registration_cancelled_from
from .seminar_changes import change_rows, changes_concerning
from .survey_emails import survey_message_build
from .tokens import EMAIL_CHANGE_LINK_HOURS, email_change_token_make
from .wording import pending_waitlist_note, waitlisted_headline

Kind = Notification.Kind

SUBJECTS = {
    Kind.CONFIRMATION: _("Registration confirmed: %(title)s"),
    Kind.PROMOTED: _("A seat is now yours: %(title)s"),
    Kind.REMINDER: _("Reminder: %(title)s starts soon"),
    Kind.WAITLISTED: _("You are on the waitlist: %(title)s"),
    Kind.CANCELLED: _("Registration cancelled: %(title)s"),
    Kind.EMAIL_CONFIRM: _("Confirm your email address: %(title)s"),
    Kind.EMAIL_CHANGE_NOTICE: _("A change of email address was requested: %(title)s"),
    Kind.RECEIVED: _("Registration received, under review: %(title)s"),
    Kind.DECLINED: _("Registration not accepted: %(title)s"),
    Kind.MODE_CHANGED: _("How you attend has changed: %(title)s"),
    Kind.SEMINAR_CHANGED: _("Change to the seminar: %(title)s"),
    Kind.SEMINAR_CANCELLED: _("Seminar cancelled: %(title)s"),
}
HEADLINES = {
    Kind.CONFIRMATION: _("Your registration is confirmed."),
    Kind.PROMOTED: _("Good news: a seat has become free and it is now yours."),
    Kind.REMINDER: _("This is a reminder that the seminar starts soon."),
    Kind.CANCELLED: _("Your registration has been cancelled."),
    Kind.EMAIL_CONFIRM: _("Please confirm your new email address."),
    Kind.EMAIL_CHANGE_NOTICE: _("Someone asked to change the email address of your registration."),
    Kind.RECEIVED: _("We have received your registration. It is under review."),
    Kind.DECLINED: _("We are sorry: your registration has not been accepted."),
    Kind.SEMINAR_CHANGED: _("The seminar has changed: please note the new details."),
    Kind.SEMINAR_CANCELLED: _("We are sorry: the seminar has been cancelled."),
}
# A change of mode is headed by the new mode.
MODE_HEADLINES = {
    AttendanceMode.IN_PERSON: _("You will now attend in the room."),
    AttendanceMode.ONLINE: _("You will now attend online."),
}
TEMPLATES = {
    Kind.CONFIRMATION: "seat",
    Kind.PROMOTED: "seat",
    Kind.REMINDER: "seat",
    Kind.WAITLISTED: "waitlisted",
    Kind.CANCELLED: "cancelled",
    Kind.EMAIL_CONFIRM: "email_confirm",
    Kind.EMAIL_CHANGE_NOTICE: "email_notice",
    Kind.RECEIVED: "received",
    Kind.DECLINED: "declined",
    Kind.MODE_CHANGED: "mode_changed",
    Kind.SEMINAR_CHANGED: "seminar_changed",
    Kind.SEMINAR_CANCELLED: "seminar_cancelled",
}
# Emails that carry a confirmed seat's details and the calendar file.
SEAT_KINDS = (
    Kind.CONFIRMATION,
    Kind.PROMOTED,
    Kind.REMINDER,
    Kind.MODE_CHANGED,
    Kind.SEMINAR_CHANGED,
)
# Emails whose "Your details" (emails/_details.*) list the registrant's answers with the fixed
# fields: personal answers included, as the email goes to the registrant alone.
DETAILS_TEMPLATES = ("seat", "waitlisted", "received", "mode_changed")


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def message_build(
    *, notification: Notification, parts: EmailParts | None = None
) -> EmailMultiAlternatives:
    """The message for this notification, in the registrant's language, ready to send.

    `parts` keeps what the emails of a batch share (see email_parts.py); without it, this
    email's are read on their own.
    """
    if notification.kind == Kind.ANNOUNCEMENT:
        # The organiser's own words, built apart (announcement_emails.py).
        return announcement_message_build(notification=notification)
    if notification.kind == Kind.CERTIFICATE:
        # The PDF attached (certificate_emails.py).
        return certificate_message_build(notification=notification)
    if notification.kind == Kind.SURVEY:
        # The personal link to the feedback survey (survey_emails.py).
        return survey_message_build(notification=notification, parts=parts)
    parts = parts or EmailParts()
    registration = notification.registration
    seminar = registration.seminar
    kind = Kind(notification.kind)
    with translation.override(registration.preferred_language):
        seat = kind in SEAT_KINDS and registration.seat_is_confirmed
        if kind == Kind.MODE_CHANGED:
            headline = MODE_HEADLINES[registration.attendance_mode]
        elif kind == Kind.WAITLISTED:
            # At a hybrid seminar only one mode is full: the headline names it.
            headline = waitlisted_headline(registration)
        else:
            headline = HEADLINES[kind]
        show_join_details = seat and registration.gets_joining_details
        context = {
            "parts": parts,  # for the templates' {% shared %} pieces
            "registration": registration,
            "seminar": seminar,
            "sessions": parts.sessions(seminar=seminar),
            "headline": headline,
            "intro": parts.intro(seminar=seminar, kind=kind),
            # A declined registration is final: there is nothing left to view, change or cancel.
            "manage_url": None
            if kind == Kind.DECLINED
            else _absolute(registration.get_absolute_url()),
            "seminar_url": parts.seminar_url(seminar=seminar),
            "show_join_details": show_join_details,
            # The registrant's own link (join_links.py), never the meeting's address; none
            # until the organisers have set the meeting up.
            "join_link": join_link_url(registration=registration)
            if show_join_details and seminar.join_url
            else "",
            "join_opens_at": join_link_opens_at(seminar=seminar),
            "attaches_calendar": seat,
            "note": notification.note,
            "waitlist_position": parts.waitlist_position(registration=registration),
            "email_change_hours": EMAIL_CHANGE_LINK_HOURS,
            "requested_at": notification.created_at,
            # What approving a pending request would give now, if not a seat.
            "pending_waitlist_note": pending_waitlist_note(registration),
        }
        if kind == Kind.CANCELLED:
            # A seat, a waitlist place or a request under review: each is given up differently.
            context["cancelled_from"] = registration_cancelled_from(registration=registration)
        if kind == Kind.SEMINAR_CHANGED:
            # What still concerns the registrant as they stand now (never the join link to
            # someone waitlisted), worded in their language.
            concerning = changes_concerning(registration=registration, changes=notification.changes)
            context["change_rows"] = change_rows(
                changes=concerning,
                seminar=seminar,
                language=registration.preferred_language,
                join_link=context["join_link"],  # the personal link, never the meeting's
            )
        if kind == Kind.SEMINAR_CANCELLED:
            # Nothing is left to change or cancel: the seminar page says what happened.
            context["manage_url"] = None
        if kind == Kind.EMAIL_CONFIRM:
            token = email_change_token_make(
                registration=registration, email=notification.to_address
            )
            # The new address is not yet the registrant's: it gets no private link.
            context["manage_url"] = None
            context["new_email"] = notification.to_address
            context["confirm_url"] = _absolute(
                reverse("registrations:email_confirm", kwargs={"token": token})
            )
        template = TEMPLATES[kind]
        # The QR code for the door (checkin_emails.py): seat emails for the room only.
        context["checkin"] = checkin_image(registration=registration, template=template, seat=seat)
        if template in DETAILS_TEMPLATES:
            context["answers"] = parts.answers(registration=registration)
        subject = str(SUBJECTS[kind] % {"title": seminar.title})
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
        message_class = MessageWithCheckinImage if context["checkin"] else EmailMultiAlternatives
        message = message_class(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.to_address],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(html, "text/html")
        if context["checkin"]:
            message.checkin_image = context["checkin"]
        if seat:
            message.attach(
                "seminar.ics",
                calendar_ics(seminar=seminar, registration=registration),
                "text/calendar; charset=utf-8; method=PUBLISH",
            )
        elif (
            kind == Kind.SEMINAR_CANCELLED and registration.status == Registration.Status.CONFIRMED
        ):
            # Only a confirmed seat was in the registrant's calendar: this file removes it.
            message.attach(
                "seminar.ics",
                calendar_ics(seminar=seminar, registration=registration, method=CANCEL),
                "text/calendar; charset=utf-8; method=CANCEL",
            )
    return message
