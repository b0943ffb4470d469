"""A certificate of attendance as a PDF: A4 landscape, drawn on demand from
templates/certificates/certificate.html by WeasyPrint, in the registrant's language.

Fonts come only from registrations/certificate_fonts (Noto Sans CJK HK, OFL; see its README),
never from the machine: Chinese names must come out the same on a fresh machine with no CJK font
installed. The faces are large (about 65,000 glyphs), and WeasyPrint's own subsetting walks all
of them, seconds per PDF; so each PDF gets its own cut to the characters its text uses, made
with fontTools before WeasyPrint sees the font (a quarter of a second a face). The cut is renamed
(CUT_FAMILY) so that a PDF shows, in its font names, that our font was embedded and not one of
the machine's.

The verification page reads the Certificate row, never this PDF (see certificate_views.py).
"""

import html as html_text
import io
import string
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from fontTools import subset
from fontTools.ttLib import TTFont

from seminar.models import Seminar, SeminarPartner

from .models import Certificate

FONT_DIR = Path(__file__).resolve().parent / "certificate_fonts"
FACES = {"normal": "NotoSansHK-Regular.woff2", "bold": "NotoSansHK-Bold.woff2"}
CUT_FAMILY = "SeminarCertificateHK"
ROLE_LABELS = {
    SeminarPartner.Role.ORGANISER: _("Organised by"),
    SeminarPartner.Role.CO_ORGANISER: _("Co-organised by"),
    SeminarPartner.Role.SUPPORTER: _("Supported by"),
}


@dataclass(frozen=True)
class Bodies:
    label: str
    names: list[str]


def certificate_verify_url(certificate: Certificate) -> str:
    """The public page the QR code leads to (no language prefix: it follows the reader's)."""
    with translation.override(None):
        path = reverse("registrations:certificate_verify", kwargs={"code": certificate.code})
    return settings.SITE_URL + path


def certificate_bodies(*, seminar: Seminar) -> list[Bodies]:
    """The organisations the seminar names on its certificates, under a heading for their role,
    in the active language. One query."""
    partners = seminar.partners.filter(on_certificate=True).select_related("organisation")
    grouped = {role: [] for role in ROLE_LABELS}
    for partner in partners.order_by("order", "pk"):
        grouped[partner.role].append(partner.organisation.name)
    return [Bodies(str(ROLE_LABELS[role]), names) for role, names in grouped.items() if names]


def certificate_context(*, certificate: Certificate) -> dict:
    """What the certificate says, in the active language; the PDF and the verification page
    both show this and nothing more."""
    seminar = certificate.registration.seminar
    local = timezone.localtime(seminar.starts_at, timezone.get_default_timezone())
    issued = timezone.localtime(certificate.issued_at, timezone.get_default_timezone())
    return {
        "certificate": certificate,
        "seminar": seminar,
        "seminar_date": date_format(local, "DATE_FORMAT"),
        "issued_date": date_format(issued, "DATE_FORMAT"),
        "revoked_date": date_format(
            timezone.localtime(certificate.revoked_at, timezone.get_default_timezone()),
            "DATE_FORMAT",
        )
        if certificate.revoked_at
        else "",
        "bodies": certificate_bodies(seminar=seminar),
        "separator": pgettext("separator between items of a list", ", "),
        "verify_url": certificate_verify_url(certificate),
    }


@lru_cache(maxsize=len(FACES))
def _face_bytes(file_name: str) -> bytes:
    """The face as a plain OpenType font: WOFF2 decompressed once per process (half a second)."""
    font = TTFont(FONT_DIR / file_name)
    font.flavor = None
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _face_cut(file_name: str, weight: str, text: str) -> bytes:
    """The face cut to the characters of `text`, renamed to CUT_FAMILY. No layout features (a
    certificate needs no ligatures or vertical forms) and no hinting: that is what makes it fast."""
    options = subset.Options(layout_features=[], hinting=False, name_IDs=["*"], notdef_outline=True)
    font = TTFont(io.BytesIO(_face_bytes(file_name)))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    style = "Bold" if weight == "bold" else "Regular"
    postscript = f"{CUT_FAMILY}-{style}"
    names = font["name"]
    for name_id, value in (
        (1, CUT_FAMILY),
        (2, style),
        (4, f"{CUT_FAMILY} {style}"),
        (6, postscript),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:
        font["CFF "].cff.fontNames = [postscript]
    font.flavor = None
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _font_faces_css(directory: Path, text: str) -> str:
    rules = []
    for weight, file_name in FACES.items():
        path = directory / f"{weight}.otf"
        path.write_bytes(_face_cut(file_name, weight, text))
        rules.append(
            f'@font-face {{ font-family: "{CUT_FAMILY}"; font-weight: {weight}; '
            f'src: url("{path.as_uri()}"); }}'
        )
    return "\n".join(rules)


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#1f2a44")


def certificate_html(*, certificate: Certificate) -> str:
    """The certificate's HTML in the registrant's language (also what the PDF is drawn from)."""
    language = certificate.registration.preferred_language
    with translation.override(language):
        context = certificate_context(certificate=certificate)
        context["qr"] = qr_svg_data_uri(context["verify_url"])
        context["chinese"] = language.startswith("zh")
        context["language"] = language
        return render_to_string("certificates/certificate.html", context)


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The certificate as PDF bytes (about half a second: the font cut is most of it)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = certificate_html(certificate=certificate)
    fonts = FontConfiguration()
    with tempfile.TemporaryDirectory(prefix="certificate-fonts-") as directory:
        # Every character of the page goes into the cut (entities read as what they stand for),
        # with printable ASCII always there.
        text = html_text.unescape(html) + string.printable
        faces = _font_faces_css(Path(directory), text)
        document = HTML(string=html, base_url=str(FONT_DIR))
        return document.write_pdf(
            stylesheets=[CSS(string=faces, font_config=fonts)], font_config=fonts
        )


# Drawn PDFs are kept in the cache (Redis in production, shared by the web and the worker):
# drawing one takes seconds, and a certificate does not change once issued. A week is plenty for
# the rush of downloads after the emails go out; after that a download draws it again.
PDF_CACHE_SECONDS = 7 * 24 * 3600


def _pdf_cache_key(code: str, language: str) -> str:
    return f"certificate-pdf:{code}:{language}"


def certificate_pdf_cached(*, certificate: Certificate) -> bytes:
    """certificate_pdf, drawn once per certificate and language and then read from the cache."""
    key = _pdf_cache_key(certificate.code, certificate.registration.preferred_language)
    pdf = cache.get(key)
    if pdf is None:
        pdf = certificate_pdf(certificate=certificate)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


def certificate_pdf_forget(*, certificate: Certificate) -> None:
    """Drop the cached PDFs of a certificate (revoked: none may be handed out again)."""
    cache.delete_many([_pdf_cache_key(certificate.code, code) for code, _ in settings.LANGUAGES])


def certificate_file_name(certificate: Certificate) -> str:
    return f"certificate-{certificate.code}.pdf"
