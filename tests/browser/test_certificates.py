"""Certificates in a real browser: the public verification page axe-clean in three languages,
valid and revoked, and on a 360 px phone; the registrant's page with its download; and, for
review, a certificate's PDF page in each language rendered to docs/screenshots/."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from django.utils import timezone

from registrations.certificate_pdf import certificate_pdf
from registrations.models import Certificate
from seminar.models import Seminar
from tests.browser.conftest import (
    LANGUAGES,
    PREFIX,
    README_SCREENSHOTS,
    screenshot,
    serious_violations,
)
from tests.factories import SeminarPartnerFactory
from tests.registrations.certificate_helpers import (
    HK_NAME_EN,
    HK_NAME_ZH,
    certificate_row,
    past_seminar_with_certificates,
    qualifying_registration,
)

pytestmark = pytest.mark.django_db(transaction=True)


def review_seminar():
    seminar = past_seminar_with_certificates(
        title_en="Managing IP Assets in the Greater Bay Area: Licensing, Valuation and Trading",
        title_zh_hant="大灣區知識產權資產管理：授權、估值及交易",
        title_zh_hans="大湾区知识产权资产管理：许可、估值及交易",
    )
    SeminarPartnerFactory(
        seminar=seminar,
        role="co_organiser",
        order=1,
        organisation__name_en="Hong Kong Trade Development Council",
        organisation__name_zh_hant="香港貿易發展局",
        organisation__name_zh_hans="香港贸易发展局",
    )
    # Three roles and several long names: each role keeps to its own line, no name is broken.
    for order, (en, hant, hans) in enumerate(
        [
            ("Hong Kong Productivity Council", "香港生產力促進局", "香港生产力促进局"),
            (
                "Hong Kong General Chamber of Small and Medium Business",
                "香港中小型企業總商會",
                "香港中小型企业总商会",
            ),
            ("Federation of Hong Kong Industries", "香港工業總會", "香港工业总会"),
        ],
        start=2,
    ):
        SeminarPartnerFactory(
            seminar=seminar,
            role="supporter",
            order=order,
            organisation__name_en=en,
            organisation__name_zh_hant=hant,
            organisation__name_zh_hans=hans,
        )
    return seminar


def review_certificate(seminar, language: str, **fields):
    registration = qualifying_registration(
        seminar, name_en=HK_NAME_EN, name_zh=HK_NAME_ZH, preferred_language=language
    )
    return certificate_row(registration, hours=Decimal("2.5"), **fields)


@pytest.mark.parametrize("language", LANGUAGES)
def test_verification_page_passes_axe_valid_and_revoked(page, live_server, language):
    seminar = review_seminar()
    valid = review_certificate(seminar, language)
    revoked = review_certificate(seminar, language, revoked_at=timezone.now())
    findings = {}

    for name, certificate in [("valid", valid), ("revoked", revoked)]:
        page.goto(f"{live_server.url}{PREFIX[language]}/certificates/{certificate.code}/")
        assert certificate.code in page.content()
        assert HK_NAME_ZH in page.content()
        findings[name] = serious_violations(page)
        screenshot(page, f"certificate-verify-{language}-{name}")

    assert page.locator(".certificate-revoked").count() == 1
    assert findings == {"valid": [], "revoked": []}


@pytest.mark.parametrize("language", LANGUAGES)
def test_verification_page_fits_a_360px_phone(browser, live_server, language):
    certificate = review_certificate(review_seminar(), language)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()

    phone.goto(f"{live_server.url}{PREFIX[language]}/certificates/{certificate.code}/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    screenshot(phone, f"certificate-verify-phone-{language}")
    context.close()

    assert width == 360


def test_registrant_downloads_with_the_keyboard(page, live_server):
    certificate = review_certificate(review_seminar(), "en")
    registration = certificate.registration

    page.goto(live_server.url + registration.get_absolute_url())
    link = page.get_by_role("link", name="Download your certificate (PDF)")
    link.focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")

    assert download.value.suggested_filename == f"certificate-{certificate.code}.pdf"
    assert serious_violations(page) == []


# Fixed code and dates, so the committed screenshots change only when the certificate does.
REVIEW_CODE = {"en": "7KQ4MWR2XH9C", "zh-hant": "B3NP8TZ6VJ2D", "zh-hans": "H5RX2CK9QW7M"}
REVIEW_START = datetime(2026, 11, 20, 14, 30, tzinfo=ZoneInfo("Asia/Hong_Kong"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_certificate_pdf_screenshot_for_review(language, settings):
    settings.SITE_URL = "https://seminars.example.gov.hk"
    seminar = review_seminar()
    Seminar.objects.filter(pk=seminar.pk).update(
        starts_at=REVIEW_START, ends_at=REVIEW_START + timedelta(hours=3)
    )
    seminar.refresh_from_db()
    certificate = review_certificate(seminar, language, code=REVIEW_CODE[language])
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=REVIEW_START + timedelta(days=7))
    certificate.refresh_from_db()

    pdf = pypdfium2.PdfDocument(certificate_pdf(certificate=certificate))
    image = pdf[0].render(scale=1.4).to_pil()
    README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image.save(README_SCREENSHOTS / f"certificate-{language}.png", optimize=True)

    assert image.width > image.height  # A4 landscape


def organiser_log_in(page, live_server, django_user_model) -> None:
    from django.contrib.auth.models import Group

    from registrations.permissions import ORGANISERS, groups_ensure

    groups_ensure()
    user = django_user_model.objects.create_user("certs", password="pw-certs-42", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "certs")
    page.fill("#id_password", "pw-certs-42")
    page.click("input[type=submit]")


@pytest.mark.parametrize("language", LANGUAGES)
def test_organiser_certificates_page_fits_360px_and_passes_axe(
    browser, live_server, django_user_model, language
):
    from registrations.models import Registration

    seminar = review_seminar()
    for number in range(3):
        qualifying_registration(
            seminar,
            name_en=f"CHEUNG Hoi Ying Josephine Number {number}",
            name_zh="張凱盈",
            organisation="Hong Kong Productivity Council Intellectual Property Services",
        )
    holder = qualifying_registration(seminar, name_en=HK_NAME_EN, name_zh=HK_NAME_ZH)
    certificate_row(holder)
    removed = qualifying_registration(seminar, name_en="WONG Siu Ming", name_zh="黃小明")
    certificate_row(removed)
    Registration.objects.filter(pk=removed.pk).update(
        name_en="", name_zh="", anonymised_at=timezone.now()
    )
    certificate_row(
        qualifying_registration(seminar, name_en="LAM Mei Ling"),
        revoked_at=timezone.now(),
        revoked_by_label="certs",
        revoke_reason="Issued in error: left after the first talk of the afternoon",
    )
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()

    organiser_log_in(phone, live_server, django_user_model)
    phone.goto(
        f"{live_server.url}{PREFIX[language]}/admin/registrations/certificate/seminar/{seminar.pk}/"
    )
    phone.wait_for_selector("#holders")
    width = phone.evaluate("document.documentElement.scrollWidth")
    findings = serious_violations(phone)
    page_text = phone.content()
    screenshot(phone, f"certificates-organiser-phone-{language}")
    context.close()

    assert "WONG Siu Ming 黃小明" in page_text  # the certificate's names, not an empty link
    assert findings == []
    assert width == 360
