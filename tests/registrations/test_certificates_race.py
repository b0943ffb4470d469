"""Certificates under real concurrency: two bulk runs at once, and organisers clicking "issue"
for the same person at the same moment, leave one live certificate each. PostgreSQL only (real
connections in threads; SQLite's in-memory test database cannot be shared between them)."""

from collections import Counter

import pytest

from registrations.certificates import (
    CertificateAlreadyHeld,
    certificate_issue,
    certificate_run_execute,
)
from registrations.models import Certificate, CertificateRun, Notification
from tests.registrations.certificate_helpers import (
    past_seminar_with_certificates,
    qualifying_registration,
)
from tests.threads import run_at_once

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _emails_stay_queued(settings):
    # The race is about the rows; the emails stay in the outbox (drawing PDFs is not the point).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_two_bulk_runs_at_once_issue_one_certificate_each():
    seminar = past_seminar_with_certificates()
    registrations = [qualifying_registration(seminar) for _ in range(12)]
    runs = [CertificateRun.objects.create(seminar=seminar) for _ in range(2)]

    results = run_at_once(2, lambda n: certificate_run_execute(run=runs[n]))

    assert all(isinstance(result, CertificateRun) for result in results), results
    live = Counter(
        Certificate.objects.filter(revoked_at__isnull=True).values_list("registration", flat=True)
    )
    assert live == Counter({registration.pk: 1 for registration in registrations})
    for run in runs:
        run.refresh_from_db()
        assert run.status == CertificateRun.Status.DONE
        assert run.issued + run.already_held == run.qualified == 12
    assert sum(run.issued for run in runs) == 12
    assert Notification.objects.filter(kind=Notification.Kind.CERTIFICATE).count() == 12


def test_four_organisers_issuing_the_same_person_at_once_issue_one(django_user_model):
    seminar = past_seminar_with_certificates()
    registration = qualifying_registration(seminar)
    organiser = django_user_model.objects.create_user("mei.ling", is_staff=True)

    results = run_at_once(
        4, lambda n: certificate_issue(registration=registration, by=organiser, override=True)
    )

    issued = [result for result in results if isinstance(result, Certificate)]
    refused = [result for result in results if isinstance(result, CertificateAlreadyHeld)]
    assert (len(issued), len(refused)) == (1, 3), results
    assert Certificate.objects.filter(registration=registration).count() == 1
