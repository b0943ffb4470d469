"""The QR code an authenticator app scans to set itself up, made here with segno."""

from base64 import b32encode

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_qr_data_uri(*, device: TOTPDevice) -> str:
    """An SVG image as a data: URI (our Content Security Policy allows data: images, not inline
    styles or outside images), dark modules on white whatever the admin's colour theme."""
    symbol = segno.make(device.config_url, error="m", micro=False)
    return symbol.svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def totp_secret_text(*, device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
