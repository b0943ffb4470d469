"""The email that carries a certificate of attendance, with the PDF attached.

Built when the outbox sends it (delivery.py skips it if the certificate was revoked by then), in
the registrant's language. The PDF is not text, so mail_bytes.py hands this message to Django's
own writer (its fast path takes text attachments only).

It carries no link to the registrant's private page: people forward this email to employers as
evidence, and the PDF (attached) and its verification address are all anyone else needs.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from .certificate_pdf import certificate_context, certificate_file_name, certificate_pdf_cached
from .email_parts import EmailParts
from .models import Notification


def certificate_message_build(*, notification: Notification) -> EmailMultiAlternatives:
    registration = notification.registration
    certificate = notification.certificate
    certificate.registration = registration
    seminar = registration.seminar
    parts = EmailParts()
    with translation.override(registration.preferred_language):
        context = {
            **certificate_context(certificate=certificate),
            "parts": parts,
            "registration": registration,
            "headline": gettext("Your certificate of attendance is attached."),
            "intro": parts.intro(seminar=seminar, kind=notification.kind),
            "seminar_url": parts.seminar_url(seminar=seminar),
        }
        subject = gettext("Your certificate of attendance: %(title)s") % {"title": seminar.title}
        text = render_to_string("emails/certificate.txt", context)
        html = render_to_string("emails/certificate.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_address],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.attach(
        certificate_file_name(certificate),
        certificate_pdf_cached(certificate=certificate),
        "application/pdf",
    )
    return message
