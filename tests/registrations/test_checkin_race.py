"""Two (or ten) staff checking in the same person at the same moment record one check-in.

PostgreSQL only: SQLite's in-memory test database cannot be shared between threads.
"""

from collections import Counter

import pytest

from registrations.checkin import CheckinState, checkin_record
from registrations.models import AuditEntry
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory
from tests.registrations.test_checkin import staff_user
from tests.threads import run_at_once

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_ten_staff_scanning_one_code_at_once_record_one_check_in(django_user_model):
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON)
    registration = RegistrationFactory(seminar=seminar)
    staff = [staff_user(django_user_model, f"door.{n}") for n in range(10)]

    results = run_at_once(
        10,
        lambda n: checkin_record(seminar=seminar, code=registration.checkin_code, by=staff[n]),
    )

    assert Counter(result.state for result in results) == {
        CheckinState.CHECKED_IN: 1,
        CheckinState.ALREADY: 9,
    }
    winner = next(result for result in results if result.state == CheckinState.CHECKED_IN)
    registration.refresh_from_db()
    assert registration.checked_in_by_label == winner.checked_in_by
    assert {result.checked_in_at for result in results} == {registration.checked_in_at}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CHECKED_IN).count() == 1
