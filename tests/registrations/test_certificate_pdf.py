import io

import pypdf
import pytest

from registrations.certificate_pdf import CUT_FAMILY, certificate_pdf
from tests.registrations.certificate_helpers import (
    HK_NAME_EN,
    HK_NAME_ZH,
    certificate_row,
    past_seminar_with_certificates,
    qualifying_registration,
)

# What each language's certificate must say, besides both names and the code.
WORDS = {
    "en": ["Certificate of Attendance", "Intellectual Property Department", "Dr CHEUNG Wai Man"],
    "zh-hant": ["出席證明書", "知識產權署", "張偉文博士", "知識產權與中小企業研討會"],
    "zh-hans": ["出席证明书", "知识产权署", "张伟文博士", "知识产权与中小企业研讨会"],
}


def _fonts(page) -> dict[str, list[str]]:
    """Each font the page uses: its BaseFont name and which FontFile entries embed it."""
    found = {}
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
        found[str(font["/BaseFont"])] = [key for key in descriptor if key.startswith("/FontFile")]
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_certificate_pdf_reads_back_in_each_language_with_our_font_embedded(language):
    seminar = past_seminar_with_certificates()
    registration = qualifying_registration(
        seminar, name_en=HK_NAME_EN, name_zh=HK_NAME_ZH, preferred_language=language
    )
    certificate = certificate_row(registration)

    pdf = certificate_pdf(certificate=certificate)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    [page] = reader.pages
    text = page.extract_text()
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width)) == 842  # A4: 297 mm
    for expected in [HK_NAME_EN, HK_NAME_ZH, "峯", "邨", "𨋢", certificate.code, "2.0"]:
        assert expected in text
    for expected in WORDS[language]:
        # Chinese titles are letter-spaced, which text extraction reads as spaces.
        assert expected.replace(" ", "") in text.replace(" ", "")
    fonts = _fonts(page)
    assert fonts and all(CUT_FAMILY in name for name in fonts), fonts
    assert all(files for files in fonts.values())


@pytest.mark.django_db
def test_organisations_take_one_line_per_role_and_names_are_never_broken():
    from registrations.certificate_pdf import certificate_html
    from tests.factories import SeminarPartnerFactory

    seminar = past_seminar_with_certificates()
    for order, name in enumerate(["香港生產力促進局", "香港工業總會"], start=1):
        SeminarPartnerFactory(
            seminar=seminar, role="supporter", order=order, organisation__name_zh_hant=name
        )
    registration = qualifying_registration(seminar, preferred_language="zh-hant")

    html = certificate_html(certificate=certificate_row(registration))

    assert html.count('<p class="bodies-role">') == 2  # organised by; supported by
    assert '<span class="body-name">香港生產力促進局</span>、<span class="body-name">' in html
    assert ".body-name { white-space: nowrap; }" in html
