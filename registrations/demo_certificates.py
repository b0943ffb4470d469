"""The demo's certificates: the past seminars (2022 online, a recent hybrid one) give them, signed
in three languages, and they have been issued to everyone its attendance (imported minutes,
check-ins) qualifies, one per seminar since revoked. Loaded by demo.py.

Only the rows are made: the PDF is drawn when someone opens it, so loading stays quick. The
certificate emails go through the outbox like real ones and are marked as sent at once, as the
demo's other emails are (synthetic people get no mail).
"""

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser

from seminar.models import Seminar

from .certificates import certificate_issue, certificate_revoke
from .models import Certificate, Notification
from .qualification import registrations_qualifying

SIGNATORY = {
    "certificate_signatory_name_en": "Ms Ada WONG",
    "certificate_signatory_name_zh_hant": "黃愛迪女士",
    "certificate_signatory_name_zh_hans": "黄爱迪女士",
    "certificate_signatory_title_en": "Assistant Director of Intellectual Property",
    "certificate_signatory_title_zh_hant": "知識產權署助理署長",
    "certificate_signatory_title_zh_hans": "知识产权署助理署长",
}
REVOKE_REASON = "Issued in error: the report counted a colleague's minutes under this name."


def certificates_demo_load(
    *, seminar: Seminar, organiser: AbstractBaseUser, now: datetime
) -> list[str]:
    """Turn certificates on for `seminar` and issue them, once. Returns lines for the report."""
    if Certificate.objects.filter(registration__seminar=seminar).exists():
        return [f"The certificates of {seminar.slug} were already issued; left as they are."]
    Seminar.objects.filter(pk=seminar.pk).update(
        certificates_enabled=True,
        certificate_online_unit="percent",
        certificate_online_minimum=75,
        **SIGNATORY,
    )
    seminar.refresh_from_db()
    issued = [
        certificate_issue(registration=registration, by=organiser)
        for registration in registrations_qualifying(seminar=seminar).order_by("pk")
    ]
    Notification.objects.filter(
        registration__seminar=seminar, kind=Notification.Kind.CERTIFICATE
    ).update(status=Notification.Status.SENT, attempts=1, last_attempt_at=now, sent_at=now)
    if issued:
        certificate_revoke(certificate=issued[-1], by=organiser, reason=REVOKE_REASON)
    return [
        f"Issued {len(issued)} certificates of attendance for {seminar.slug} "
        f"({min(1, len(issued))} since revoked)."
    ]
