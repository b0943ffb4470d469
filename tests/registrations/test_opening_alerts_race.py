"""Opening alerts under real concurrency: schedulers and workers racing send each alert once,
and people asking at the same moment leave one alert. PostgreSQL only (real connections in
threads; SQLite's in-memory test database cannot be shared between them)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import OpeningAlert
from registrations.opening_alerts import (
    opening_alert_request,
    opening_alerts_deliver,
    opening_alerts_schedule,
)
from seminar.models import Seminar
from tests.factories import SeminarFactory
from tests.registrations.test_concurrency import run_at_once

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

ADDRESSES = [f"waiting{n}@example.com" for n in range(40)]


def opened_seminar_with_alerts() -> Seminar:
    seminar = SeminarFactory(registration_opens_at=timezone.now() + timedelta(days=1))
    for number, email in enumerate(ADDRESSES):
        opening_alert_request(
            seminar=seminar, email=email, language=["en", "zh-hant", "zh-hans"][number % 3]
        )
    Seminar.objects.filter(pk=seminar.pk).update(registration_opens_at=timezone.now())
    seminar.refresh_from_db()
    return seminar


def test_four_workers_sending_at_once_send_each_alert_once():
    seminar = opened_seminar_with_alerts()

    results = run_at_once(4, lambda n: opening_alerts_deliver(seminar=seminar))

    assert sum(results) == len(ADDRESSES)
    assert Counter(message.to[0] for message in mail.outbox) == Counter(ADDRESSES)
    assert not OpeningAlert.objects.exists()


def test_two_schedulers_at_once_send_each_alert_once():
    opened_seminar_with_alerts()

    # Tests run tasks as they are queued, so each scheduler's thread also sends.
    run_at_once(2, lambda n: opening_alerts_schedule())

    assert Counter(message.to[0] for message in mail.outbox) == Counter(ADDRESSES)
    assert not OpeningAlert.objects.exists()


def test_one_address_asking_ten_times_at_once_leaves_one_alert():
    seminar = SeminarFactory(registration_opens_at=timezone.now() + timedelta(days=1))

    results = run_at_once(
        10,
        lambda n: opening_alert_request(
            seminar=seminar,
            email="SAME.person@example.com" if n % 2 else "same.person@example.com",
            language="en",
        ),
    )

    assert results == [None] * 10  # nobody got an error
    assert OpeningAlert.objects.filter(seminar=seminar).count() == 1
