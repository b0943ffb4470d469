"""The public check of a certificate and the registrant's download."""

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.models.certificates import certificate_code_generate
from registrations.models.registration import CHECKIN_ALPHABET
from tests.factories import RegistrationFactory
from tests.hypothesis_budget import examples
from tests.registrations.certificate_helpers import (
    HK_NAME_EN,
    HK_NAME_ZH,
    certificate_row,
    past_seminar_with_certificates,
    qualifying_registration,
)
from tests.registrations.test_properties import PROPERTY_SETTINGS

pytestmark = pytest.mark.django_db


def _verify_url(code: str) -> str:
    return f"/certificates/{code}/"


def test_verify_page_shows_what_the_certificate_shows_and_nothing_personal_besides(
    client, django_assert_num_queries
):
    seminar = past_seminar_with_certificates()
    registration = qualifying_registration(
        seminar, name_en=HK_NAME_EN, name_zh=HK_NAME_ZH, phone="+852 9123 4567"
    )
    certificate = certificate_row(registration)

    with django_assert_num_queries(2):  # the certificate with its seminar; the organisations
        response = client.get(_verify_url(certificate.code))

    page = response.content.decode()
    assert response.status_code == 200
    for shown in [
        HK_NAME_EN,
        HK_NAME_ZH,
        certificate.code,
        "2.0",
        "Intellectual Property Department",
    ]:
        assert shown in page
    assert str(seminar.title) in page
    assert "genuine" in page
    for hidden in [registration.email, registration.organisation, "9123 4567", registration.token]:
        assert hidden not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in page


def test_verify_page_says_revoked_with_the_date(client):
    certificate = certificate_row(qualifying_registration(past_seminar_with_certificates()))
    certificate.revoked_at = timezone.now()
    certificate.revoke_reason = "Private reason about the person"
    certificate.save()

    response = client.get(_verify_url(certificate.code))

    page = response.content.decode()
    assert "Revoked on" in page
    assert "genuine" not in page
    assert "Private reason" not in page


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_verify_page_in_chinese(client, language):
    certificate = certificate_row(qualifying_registration(past_seminar_with_certificates()))

    response = client.get(f"/{language}{_verify_url(certificate.code)}")

    assert response.status_code == 200
    assert ("證書核實" if language == "zh-hant" else "证书核实") in response.content.decode()


def test_wrong_or_forged_codes_are_404(client, django_assert_num_queries):
    certificate = certificate_row(qualifying_registration(past_seminar_with_certificates()))
    wrong = certificate_code_generate()
    while wrong == certificate.code:
        wrong = certificate_code_generate()

    wrong_page = client.get(_verify_url(wrong))
    assert wrong_page.status_code == 404
    assert NOT_FOUND in wrong_page.content.decode()
    for junk in [certificate.code[:-1], certificate.code + "2", "0" * 12]:
        with django_assert_num_queries(0):
            response = client.get(_verify_url(junk))
        assert response.status_code == 404
        assert NOT_FOUND in response.content.decode()


NOT_FOUND = "No certificate with this number; check the number printed on the certificate."


def test_a_code_typed_in_lower_case_goes_to_the_upper_case_page(client):
    certificate = certificate_row(qualifying_registration(past_seminar_with_certificates()))

    response = client.get(_verify_url(certificate.code.lower()), follow=True)

    assert response.redirect_chain == [(_verify_url(certificate.code), 301)]
    assert response.status_code == 200
    assert certificate.code in response.content.decode()


@settings(max_examples=examples(60), **PROPERTY_SETTINGS)
@given(code=st.text(min_size=0, max_size=30))
def test_verify_never_errors_on_any_code(client, code):
    path = "/certificates/" + "".join(c for c in code if c not in "/?#\x00") + "/"

    response = client.get(path)

    assert response.status_code in (404, 301, 302)


@settings(max_examples=examples(40), **PROPERTY_SETTINGS)
@given(code=st.text(alphabet=CHECKIN_ALPHABET, min_size=12, max_size=12))
def test_verify_well_formed_unknown_codes_are_404(client, code):
    assert client.get(_verify_url(code)).status_code == 404


def test_download_gives_the_owner_their_live_certificate_only(client):
    seminar = past_seminar_with_certificates()
    owner = qualifying_registration(seminar)
    other = qualifying_registration(seminar)
    certificate = certificate_row(owner)

    mine = client.get(reverse("registrations:certificate_download", kwargs={"token": owner.token}))
    theirs = client.get(
        reverse("registrations:certificate_download", kwargs={"token": other.token})
    )

    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/pdf"
    assert certificate.code in mine["Content-Disposition"]
    assert mine.content.startswith(b"%PDF")
    assert theirs.status_code == 404
    certificate.revoked_at = timezone.now()
    certificate.save()
    assert (
        client.get(
            reverse("registrations:certificate_download", kwargs={"token": owner.token})
        ).status_code
        == 404
    )


def test_private_page_offers_the_download_or_says_when_certificates_come(client):
    seminar = past_seminar_with_certificates()
    holder = qualifying_registration(seminar)
    certificate_row(holder)
    waiting = RegistrationFactory(seminar=seminar)

    holder_page = client.get(holder.get_absolute_url()).content.decode()
    waiting_page = client.get(waiting.get_absolute_url()).content.decode()

    assert "Your certificate of attendance" in holder_page
    assert (
        reverse("registrations:certificate_download", kwargs={"token": holder.token}) in holder_page
    )
    assert "will be issued after the seminar" in waiting_page


def test_private_page_says_nothing_of_certificates_when_off(client):
    seminar = past_seminar_with_certificates(certificates_enabled=False)
    registration = RegistrationFactory(seminar=seminar)

    page = client.get(registration.get_absolute_url()).content.decode()

    assert "certificate" not in page.lower()


def test_verify_is_rate_limited_per_address(client, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMITS = {**settings.RATELIMITS, "certificate_verify": (3, 600)}
    certificate = certificate_row(qualifying_registration(past_seminar_with_certificates()))

    statuses = [client.get(_verify_url(certificate.code)).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_download_has_its_own_small_rate_limit(client, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMITS = {**settings.RATELIMITS, "certificate_download": (2, 600)}
    owner = qualifying_registration(past_seminar_with_certificates())
    certificate_row(owner)
    url = reverse("registrations:certificate_download", kwargs={"token": owner.token})

    statuses = [client.get(url).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert client.get(owner.get_absolute_url()).status_code == 200  # the page is not limited


def test_download_draws_the_pdf_once_and_then_serves_it_from_the_cache(client):
    owner = qualifying_registration(past_seminar_with_certificates())
    certificate_row(owner)
    url = reverse("registrations:certificate_download", kwargs={"token": owner.token})
    drawn = []

    from registrations import certificate_pdf

    original = certificate_pdf.certificate_pdf
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            certificate_pdf,
            "certificate_pdf",
            lambda **kwargs: drawn.append(1) or original(**kwargs),
        )
        first, second = client.get(url), client.get(url)

    assert first.content == second.content
    assert first.content.startswith(b"%PDF")
    assert len(drawn) == 1


def test_private_page_of_a_revoked_certificate_says_so_and_whom_to_ask(client):
    seminar = past_seminar_with_certificates(
        enquiries_name="Ms WONG", enquiries_email="seminars@example.gov.hk"
    )
    registration = qualifying_registration(seminar)
    certificate_row(registration, revoked_at=timezone.now(), revoke_reason="Left after 10 minutes")

    page = client.get(registration.get_absolute_url()).content.decode()

    assert "was revoked by the organisers" in page
    assert "seminars@example.gov.hk" in page
    assert "Left after 10 minutes" not in page
    assert "will be issued after the seminar" not in page
    assert "certificate.pdf" not in page
