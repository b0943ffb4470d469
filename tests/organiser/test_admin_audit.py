"""The audit log says which API token made a change, and reads in the organiser's language and
time zone: check-ins and certificates included."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from registrations.checkin import checkin_record
from registrations.models import AuditEntry, Registration
from registrations.services import registration_cancel
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(db):
    return get_user_model().objects.create_superuser("mei.ling", "mei@example.com", "pw")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _cancel_through_the_api(user) -> AuditEntry:
    # What api/authentication.py sets on the user a request's token belongs to.
    user.audit_via = "API token “CRM sync”"
    registration_cancel(registration=RegistrationFactory(), actor=user)
    del user.audit_via
    return AuditEntry.objects.get(action="cancelled")


@pytest.mark.parametrize(
    ("language", "column", "token"),
    [
        ("en", "Through", "API token “CRM sync”"),
        ("zh-hant", "經由", "API 權杖「CRM sync」"),
        ("zh-hans", "经由", "API 令牌“CRM sync”"),
    ],
)
def test_the_log_shows_which_api_token_made_a_change(client, organiser, language, column, token):
    entry = _cancel_through_the_api(organiser)
    registration_cancel(registration=RegistrationFactory(), actor=organiser)  # by hand
    client.force_login(organiser)
    prefix = "" if language == "en" else f"/{language}"
    list_url = reverse("admin:registrations_auditentry_changelist")
    detail_url = reverse("admin:registrations_auditentry_change", args=[entry.pk])

    listing = text(client.get(prefix + list_url))
    detail = text(client.get(prefix + detail_url))

    assert column in listing
    assert listing.count(token) == 1
    assert token in detail


def test_the_log_filters_changes_made_through_the_api(client, organiser):
    _cancel_through_the_api(organiser)
    by_hand = RegistrationFactory(name_en="WONG By Hand")
    registration_cancel(registration=by_hand, actor=organiser)
    client.force_login(organiser)
    url = reverse("admin:registrations_auditentry_changelist")

    page = text(client.get(url))
    through_api = text(client.get(url, {"via": "api"}))

    assert "Made through the API" in page
    assert "WONG By Hand" in page
    assert "WONG By Hand" not in through_api
    assert "API token “CRM sync”" in through_api


@pytest.mark.parametrize(
    ("language", "time_label"),
    [("en", "Time"), ("zh-hant", "時間"), ("zh-hans", "时间")],
)
def test_a_check_in_reads_in_the_organisers_language_and_local_time(
    client, organiser, language, time_label
):
    seminar = SeminarFactory()
    registration = RegistrationFactory(seminar=seminar, status=Registration.Status.CONFIRMED)
    # 02:05 UTC is 10:05 in Hong Kong.
    at = datetime(2026, 12, 1, 2, 5, tzinfo=UTC)
    checkin_record(seminar=seminar, registration=registration, by=organiser, now=at)
    entry = AuditEntry.objects.get(action="checked_in")
    client.force_login(organiser)

    prefix = "" if language == "en" else f"/{language}"
    detail = text(
        client.get(prefix + reverse("admin:registrations_auditentry_change", args=[entry.pk]))
    )

    assert f"{time_label} 2026-12-01 10:05" in detail
    assert "2026-12-01T02:05" not in detail
    if language != "en":
        assert " At " not in detail


def test_certificate_details_are_named_in_chinese():
    from organiser.admin.audit import details_terms

    with translation.override("zh-hant"):
        terms = dict(details_terms({"code": "ABC", "hours": "2.0", "reason": "typo"}))
    assert "Code" not in terms and "Hours" not in terms and "Reason" not in terms
    assert len(terms) == 3
