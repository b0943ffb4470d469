"""Answers to a seminar's questions: stored with the booking (or not at all), read back in the
reader's language, and changed by the registrant while registration is open, by the rules in
registrations/answers.py."""

from datetime import timedelta

import pytest
from django.db.models.query import QuerySet
from django.utils import timezone, translation

from registrations.answers import (
    answer_display,
    answers_change,
    answers_editable,
    answers_hidden_remove,
    registration_answers_given,
    registration_answers_state,
    registration_answers_update,
)
from registrations.errors import RegistrationError, RegistrationRefused
from registrations.models import Answer, AnswerChoice, AuditEntry, Notification, Question
from registrations.services import registration_create, registration_update
from tests.factories import (
    QuestionFactory,
    RegistrationFactory,
    question_condition,
    question_option,
    registration_data,
)

Kind = Question.Kind
pytestmark = pytest.mark.django_db


def every_kind(seminar) -> dict[str, Question]:
    kinds = {}
    for kind in Kind.values:
        options = ["Alpha", "Beta", "Gamma"] if kind in Question.CHOICE_KINDS else []
        kinds[kind] = QuestionFactory(seminar=seminar, kind=kind, options=options)
    return kinds


def test_registration_create_stores_answers_choices_as_option_references(seminar):
    kinds = every_kind(seminar)
    alpha, gamma = (question_option(kinds["multiple"], label) for label in ("Alpha", "Gamma"))
    answers = {
        kinds["text"]: "ACME Ltd.",
        kinds["multiple"]: [alpha, gamma],
        kinds["choice"]: [question_option(kinds["choice"], "Beta")],
        kinds["yes_no"]: "no",
        kinds["number"]: "12.5",
    }

    registration = registration_create(seminar=seminar, data=registration_data(), answers=answers)

    stored = {answer.question_id: answer for answer in registration.answers.all()}
    assert set(stored) == {
        kinds[kind].pk for kind in ("text", "multiple", "choice", "yes_no", "number")
    }
    assert stored[kinds["text"].pk].value == "ACME Ltd."
    assert set(stored[kinds["multiple"].pk].options.all()) == {alpha, gamma}
    assert stored[kinds["multiple"].pk].value == ""
    assert stored[kinds["yes_no"].pk].value == "no"


def test_registration_create_drops_hidden_and_empty_answers(seminar, attend, cpd):
    other_seminars = QuestionFactory(label_en="Elsewhere")
    answers = {cpd: "CPD-123", attend: [], other_seminars: "sneaked in"}

    registration = registration_create(
        seminar=seminar, data=registration_data(participant_type="sme"), answers=answers
    )

    assert not registration.answers.exists()


def test_a_refused_booking_stores_no_answer(attend):
    seminar = attend.seminar
    seminar.capacity, seminar.waitlist_enabled = 0, False
    seminar.save()

    with pytest.raises(RegistrationRefused):
        registration_create(
            seminar=seminar,
            data=registration_data(),
            answers={attend: [question_option(attend, "Online")]},
        )

    assert not Answer.objects.exists()


def test_answers_that_cannot_be_stored_leave_no_registration_seat_or_email(attend, monkeypatch):
    seminar = attend.seminar

    def refuse(*args, **kwargs):
        raise RuntimeError("the database refused the chosen options")

    monkeypatch.setattr(QuerySet, "bulk_create", refuse)

    with pytest.raises(RuntimeError):
        registration_create(
            seminar=seminar,
            data=registration_data(),
            answers={attend: [question_option(attend, "Online")]},
        )

    seminar.refresh_from_db()
    assert seminar.seats_taken == 0
    assert not seminar.registrations.exists()
    assert not Notification.objects.exists()


# Reading answers back.


def test_answers_read_in_the_active_language_with_english_fallback(seminar, attend):
    attend.label_zh_hant = "你會如何參加？"
    attend.save()
    online = question_option(attend, "Online")
    online.label_zh_hant = "網上"
    online.save()
    consent = QuestionFactory(seminar=seminar, kind=Kind.YES_NO, label_en="May we photograph you?")
    registration = registration_create(
        seminar=seminar, data=registration_data(), answers={attend: [online], consent: "yes"}
    )

    with translation.override("zh-hant"):
        read = [
            (str(question.label), answer)
            for question, answer in registration_answers_given(registration=registration)
        ]
    with translation.override("zh-hans"):
        fallback = [
            (str(question.label), answer)
            for question, answer in registration_answers_given(registration=registration)
        ]

    assert read == [("你會如何參加？", "網上"), ("May we photograph you?", "是")]
    assert fallback[0] == ("How will you attend?", "Online")


def test_an_answer_with_a_retired_option_stays_readable(seminar):
    topics = QuestionFactory(seminar=seminar, kind=Kind.MULTIPLE, options=["Patents", "Marks"])
    registration = registration_create(
        seminar=seminar,
        data=registration_data(),
        answers={topics: [question_option(topics, "Patents"), question_option(topics, "Marks")]},
    )
    topics.options.filter(label_en="Marks").update(retired=True)
    topics.retired = True
    topics.save()

    answer = Answer.objects.get(registration=registration)

    assert answer_display(question=topics, answer=answer) == "Patents; Marks"
    assert registration_answers_given(registration=registration)[0][1] == "Patents; Marks"


# The registrant changes their answers.


@pytest.fixture
def registered(seminar, attend, cpd):
    """An IP practitioner who answered both questions."""
    return registration_create(
        seminar=seminar,
        data=registration_data(participant_type="ip_practitioner"),
        answers={attend: [question_option(attend, "Online")], cpd: "CPD-123"},
    )


def stored_answers(registration) -> dict[str, str]:
    return {
        str(question.label): answer
        for question, answer in registration_answers_given(registration=registration)
    }


def test_registrant_changes_a_choice_and_clears_an_optional_answer(registered, attend, seminar):
    note = QuestionFactory(seminar=seminar, label_en="Anything else?")
    Answer.objects.create(registration=registered, question=note, value="Vegetarian")

    changed = registration_answers_update(
        registration=registered,
        answers={attend: [question_option(attend, "In the room")], note: ""},
    )

    assert set(changed) == {attend, note}
    assert stored_answers(registered) == {
        "How will you attend?": "In the room",
        "CPD membership number": "CPD-123",
    }
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATED).get()
    assert entry.details == {"answers": sorted([attend.pk, note.pk])}
    assert "CPD-123" not in str(entry.details)


def test_an_answer_sent_for_a_hidden_question_is_not_stored_on_update(seminar, cpd):
    registration = registration_create(
        seminar=seminar, data=registration_data(participant_type="sme")
    )

    registration_answers_update(registration=registration, answers={cpd: "CPD-999"})

    assert not registration.answers.exists()


def test_an_answer_to_a_question_now_hidden_is_removed_personal_or_not(registered, attend, seminar):
    room_only = QuestionFactory(seminar=seminar, label_en="Parking needed?", personal_data=False)
    question_condition(room_only, depends_on=attend, options=["In the room"])
    seat = QuestionFactory(seminar=seminar, label_en="Seat number", personal_data=True)
    question_condition(seat, depends_on=attend, options=["In the room"])
    registration_answers_update(
        registration=registered,
        answers={
            attend: [question_option(attend, "In the room")],
            room_only: "Yes",
            seat: "A12",
        },
    )

    registration_answers_update(
        registration=registered, answers={attend: [question_option(attend, "Online")]}
    )

    answers = stored_answers(registered)
    assert answers["How will you attend?"] == "Online"
    # An online attendee counted as needing parking would skew the figures.
    assert "Parking needed?" not in answers
    assert "Seat number" not in answers


def test_changing_participant_type_removes_the_personal_answer_it_hid(registered):
    registration_update(registration=registered, data={"participant_type": "sme"})

    assert stored_answers(registered) == {"How will you attend?": "Online"}


def test_registrant_cannot_change_answers_once_registration_closed(registered, attend):
    seminar = registered.seminar
    seminar.registration_closes_at = timezone.now() - timedelta(minutes=1)
    seminar.save()
    registered.refresh_from_db()

    with pytest.raises(RegistrationError):
        registration_answers_update(
            registration=registered, answers={attend: [question_option(attend, "In the room")]}
        )

    assert stored_answers(registered)["How will you attend?"] == "Online"
    assert not answers_editable(registration=registered)


def test_an_organiser_can_change_answers_after_registration_closed(registered, attend, admin_user):
    seminar = registered.seminar
    seminar.registration_closes_at = timezone.now() - timedelta(minutes=1)
    seminar.save()

    registration_answers_update(
        registration=registered,
        answers={attend: [question_option(attend, "In the room")]},
        actor=admin_user,
    )

    assert stored_answers(registered)["How will you attend?"] == "In the room"


@pytest.mark.parametrize("status", ["cancelled", "declined"])
def test_answers_of_a_registration_that_no_longer_stands_cannot_be_changed(status):
    registration = RegistrationFactory(status=status)

    assert not answers_editable(registration=registration)


def test_a_retired_option_the_registrant_chose_is_kept_when_they_change_something_else(
    registered, attend, seminar
):
    online = question_option(attend, "Online")
    online.retired = True
    online.save()
    note = QuestionFactory(seminar=seminar, label_en="Anything else?")

    registration_answers_update(
        registration=registered, answers={attend: [online], cpd_of(seminar): "CPD-123", note: "Hi"}
    )

    assert stored_answers(registered)["How will you attend?"] == "Online"
    assert AnswerChoice.objects.filter(option=online).exists()


def cpd_of(seminar) -> Question:
    return seminar.questions.get(label_en="CPD membership number")


# A question that stops applying: its answer goes, personal data or not; retired ones stay.


def test_changing_details_removes_a_hidden_answer_even_if_not_personal_data(seminar):
    speciality = QuestionFactory(seminar=seminar, label_en="Your speciality", personal_data=False)
    question_condition(speciality, field="participant_type", values=["ip_practitioner"])
    registration = registration_create(
        seminar=seminar,
        data=registration_data(participant_type="ip_practitioner"),
        answers={speciality: "Patents"},
    )

    registration_update(registration=registration, data={"participant_type": "sme"})

    assert stored_answers(registration) == {}


def test_answers_hidden_remove_returns_what_it_removed_and_keeps_retired_questions(
    registered, attend, cpd, seminar
):
    old = QuestionFactory(seminar=seminar, label_en="Old question")
    question_condition(old, field="participant_type", values=["ip_practitioner"])
    Answer.objects.create(registration=registered, question=old, value="kept")
    old.retired = True
    old.save()
    registered.participant_type = "sme"
    registered.save()

    removed = answers_hidden_remove(registration=registered)

    assert removed == [cpd]
    assert stored_answers(registered) == {"How will you attend?": "Online", "Old question": "kept"}


def test_a_question_hidden_because_its_earlier_question_was_retired_keeps_its_answer(
    registered, attend, seminar
):
    link = QuestionFactory(seminar=seminar, label_en="Email for the link")
    question_condition(link, depends_on=attend, options=["Online"])
    Answer.objects.create(registration=registered, question=link, value="me@example.com")
    attend.retired = True
    attend.save()

    registration_update(registration=registered, data={"participant_type": "sme"})

    # Nobody can be shown it any more: as good as retired, so its answer stays readable.
    assert stored_answers(registered)["Email for the link"] == "me@example.com"


def test_answers_state_previews_what_a_change_of_fixed_fields_would_do(registered, cpd, seminar):
    sme_only = QuestionFactory(seminar=seminar, label_en="Company size")
    question_condition(sme_only, field="participant_type", values=["sme"])

    now = registration_answers_state(registration=registered)
    then = registration_answers_state(registration=registered, changes={"participant_type": "sme"})
    change = answers_change(before=now, after=then)

    assert now.unanswered == []
    assert change.removed == [cpd]
    assert change.asked == [sme_only]
    assert stored_answers(registered)["CPD membership number"] == "CPD-123"  # only a preview


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "4 January 2027"), ("zh-hant", "2027年1月4日"), ("zh-hans", "2027年1月4日")],
)
def test_a_date_answer_reads_in_the_readers_language(seminar, language, written):
    arrival = QuestionFactory(seminar=seminar, kind=Kind.DATE)
    answer = Answer.objects.create(
        registration=RegistrationFactory(seminar=seminar), question=arrival, value="2027-01-04"
    )

    with translation.override(language):
        assert answer_display(question=arrival, answer=answer) == written
