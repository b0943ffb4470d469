"""The check-in QR code in a seat's email, as an inline image.

The HTML part and the image travel together in a multipart/related part (the image has a
Content-ID that the HTML's <img src="cid:..."> points at), which mail clients show inside the
message rather than as an attachment. The plain-text part carries the code as text.

mail_bytes.py writes only plain messages itself; this subclass goes through Django's own
builder, which the standard library's `add_related` then extends. It costs a few milliseconds an
email, only for emails that carry a seat in the room.
"""

from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives

from .models import Registration
from .qr import checkin_qr_png

CID_DOMAIN = "checkin.seminar"


@dataclass(frozen=True)
class CheckinImage:
    """What the templates need: the code in text and the Content-ID of its QR image."""

    code: str
    cid: str  # without the angle brackets, as `cid:` URLs write it
    png: bytes


# Emails that confirm a seat or restate it: the seat email (confirmation, promotion, approval,
# reminder), a switch to the room at a hybrid seminar, and a change to the seminar (a new date or
# room is when people look for what to bring).
CHECKIN_TEMPLATES = ("seat", "mode_changed", "seminar_changed")


def checkin_image(*, registration: Registration, template: str, seat: bool) -> CheckinImage | None:
    """The QR image for a confirmed seat in the room, else None. Nothing for online attendees:
    they have no door."""
    if template not in CHECKIN_TEMPLATES or not seat or not registration.gets_venue:
        return None
    return CheckinImage(
        code=registration.checkin_code,
        cid=f"qr-{registration.checkin_code.lower()}@{CID_DOMAIN}",
        png=checkin_qr_png(registration=registration),
    )


class MessageWithCheckinImage(EmailMultiAlternatives):
    """An email whose HTML shows the check-in QR code (set `checkin_image` before sending)."""

    checkin_image: CheckinImage | None = None

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)
        image = self.checkin_image
        html = next(
            (part for part in message.walk() if part.get_content_type() == "text/html"), None
        )
        if image is not None and html is not None:
            html.add_related(
                image.png,
                "image",
                "png",
                cid=f"<{image.cid}>",
                disposition="inline",
                filename="check-in-qr.png",
            )
        return message
