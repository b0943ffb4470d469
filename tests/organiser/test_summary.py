import pytest
from django.utils import translation

from organiser.summary import seminar_summary_headline, text_list
from registrations.models import Registration
from registrations.selectors import seminar_event_summary
from tests.factories import RegistrationFactory, SeminarFactory

Status = Registration.Status
pytestmark = pytest.mark.django_db


def test_headline_before_attendance_counts_confirmed_registrations():
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, participant_type="sme", region="macao")
    RegistrationFactory(seminar=seminar, participant_type="sme", region="hong_kong")
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)

    headline = seminar_summary_headline(summary=seminar_event_summary(seminar=seminar))

    assert headline == "2 confirmed registrations: 2 SME representatives, from Hong Kong and Macao."


def test_headline_after_attendance_counts_who_came():
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, participant_type="government", attended=True)
    RegistrationFactory(seminar=seminar, participant_type="sme", attended=False)

    headline = seminar_summary_headline(summary=seminar_event_summary(seminar=seminar))

    assert headline == "1 participant attended: 1 government official, from Hong Kong."


def test_text_list_joins_items_in_the_active_language():
    with translation.override("zh-hant"):
        chinese = text_list(["甲", "乙", "丙"])

    assert text_list(["a", "b", "c"]) == "a, b and c"
    assert text_list(["a"]) == "a"
    assert chinese.startswith("甲") and chinese.endswith("丙") and ", " not in chinese


def test_headline_says_and_once_before_the_last_group():
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(2, seminar=seminar, participant_type="academic")
    RegistrationFactory(seminar=seminar, participant_type="other")
    summary = seminar_event_summary(seminar=seminar)

    english = seminar_summary_headline(summary=summary)
    with translation.override("zh-hant"):
        chinese = seminar_summary_headline(summary=summary)

    assert "2 academics or students and 1 other participant" in english
    assert chinese.count("及") == 1
