"""The QR code a registrant shows at the door, made here with segno (no outside service).

It encodes the registration's `checkin_code` and nothing else: ten characters from
CHECKIN_ALPHABET, random, with no name, email or id in them, so a photographed or forwarded code
tells nobody anything about its holder. The check-in page (organiser/checkin/) reads the same text
from the camera or from a person typing it. The code is also printed beside every QR code, for
staff to type when a phone screen is cracked or too dim to scan.
"""

import io

import segno

from .models import Registration

# Error correction: segno raises it as far as the version allows, which a cracked phone screen
# or a crumpled printout needs more than a smaller symbol.
_SCALE_PNG = 8  # pixels per module: 8 * (21 + 8) = 232 px, readable when an email is printed


def checkin_payload(*, registration: Registration) -> str:
    """What the QR code encodes: the check-in code as it is."""
    return registration.checkin_code


def _symbol(registration: Registration) -> segno.QRCode:
    return segno.make(checkin_payload(registration=registration), error="m", micro=False)


def checkin_qr_svg(*, registration: Registration) -> str:
    """Inline SVG markup for a page (no XML declaration, no style attribute, so it passes the
    strict Content Security Policy as plain markup). Dark modules on a white ground, whatever
    colour the page has."""
    buffer = io.BytesIO()
    _symbol(registration).save(
        buffer, kind="svg", xmldecl=False, svgclass="checkin-qr", scale=6, border=4, light="#fff"
    )
    return buffer.getvalue().decode()


def checkin_qr_png(*, registration: Registration) -> bytes:
    """A PNG for the emails (mail clients show inline PNG more reliably than SVG)."""
    buffer = io.BytesIO()
    _symbol(registration).save(buffer, kind="png", scale=_SCALE_PNG, border=4)
    return buffer.getvalue()
