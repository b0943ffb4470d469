"""Who an announcement reaches: each filter, their combination, one email per address, and the
count organisers see against the rows actually queued (a property over random audiences)."""

import random

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrations.announcement_audience import (
    AUDIENCE_MODES_NOT_HYBRID,
    Attendance,
    audience_count,
    audience_describe,
    audience_parse,
    audience_recipients,
)
from registrations.announcements import announcement_queue
from registrations.errors import RegistrationError
from registrations.models import Announcement, AnswerChoice, Notification, Registration
from seminar.models import AttendanceMode, Seminar
from tests.factories import (
    AnnouncementFactory,
    AnswerFactory,
    RegistrationFactory,
    SeminarFactory,
    choice_question,
)
from tests.hypothesis_budget import examples

pytestmark = pytest.mark.django_db

Status = Registration.Status
NEWS = Announcement.Purpose.NEWS
SEMINAR = Announcement.Purpose.SEMINAR


def recipients(seminar, data, purpose=SEMINAR) -> set[str]:
    audience = audience_parse(seminar=seminar, data=data, purpose=purpose)
    return {r.email for r in audience_recipients(seminar=seminar, audience=audience)}


def test_an_empty_audience_is_everyone_but_anonymised_registrations():
    seminar = SeminarFactory()
    for status in (Status.CONFIRMED, Status.WAITLISTED, Status.CANCELLED):
        RegistrationFactory(seminar=seminar, status=status, email=f"{status}@example.com")
    RegistrationFactory(seminar=seminar, email="gone@example.com", anonymised_at=timezone.now())
    RegistrationFactory(email="other-seminar@example.com")

    assert recipients(seminar, {}) == {
        "confirmed@example.com",
        "waitlisted@example.com",
        "cancelled@example.com",
    }


def test_statuses_attendance_types_and_regions_combine():
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, email="came@example.com", attended=True)
    RegistrationFactory(seminar=seminar, email="missed@example.com", attended=False)
    RegistrationFactory(seminar=seminar, email="unknown@example.com", attended=None)
    RegistrationFactory(seminar=seminar, email="macao@example.com", attended=False, region="macao")
    RegistrationFactory(
        seminar=seminar, email="waiting@example.com", status=Status.WAITLISTED, attended=None
    )

    no_shows = {"statuses": ["confirmed"], "attendance": ["not_attended"]}
    assert recipients(seminar, no_shows) == {"missed@example.com", "macao@example.com"}
    assert recipients(seminar, {**no_shows, "regions": ["hong_kong"]}) == {"missed@example.com"}
    unrecorded = {"attendance": ["not_recorded"]}
    assert recipients(seminar, unrecorded) == {"unknown@example.com", "waiting@example.com"}
    either = {"attendance": ["attended", "not_recorded"], "statuses": ["confirmed"]}
    assert recipients(seminar, either) == {"came@example.com", "unknown@example.com"}
    assert recipients(seminar, {"participant_types": ["government"]}) == set()


def test_answers_any_option_of_a_question_and_every_question():
    seminar = SeminarFactory()
    topics = choice_question("Patents", "Trade marks", "Design", seminar=seminar)
    size = choice_question("Small", "Large", seminar=seminar)
    people = {}
    for email, topic, company in [
        ("patents-small@example.com", "Patents", "Small"),
        ("marks-large@example.com", "Trade marks", "Large"),
        ("design-small@example.com", "Design", "Small"),
    ]:
        registration = RegistrationFactory(seminar=seminar, email=email)
        AnswerFactory(
            registration=registration,
            question=topics,
            options=[topics.options.get(label_en=topic)],
        )
        AnswerFactory(
            registration=registration, question=size, options=[size.options.get(label_en=company)]
        )
        people[email] = registration
    RegistrationFactory(seminar=seminar, email="no-answer@example.com")
    patents, marks = (topics.options.get(label_en=label).pk for label in ("Patents", "Trade marks"))
    small = size.options.get(label_en="Small").pk

    either = {"answers": {str(topics.pk): [patents, marks]}}
    assert recipients(seminar, either) == {"patents-small@example.com", "marks-large@example.com"}
    both = {"answers": {str(topics.pk): [patents, marks], str(size.pk): [small]}}
    assert recipients(seminar, both) == {"patents-small@example.com"}


def test_attendance_modes_at_a_hybrid_seminar():
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, online_capacity=50)
    RegistrationFactory(seminar=seminar, email="room@example.com", attendance_mode="in_person")
    RegistrationFactory(seminar=seminar, email="online@example.com", attendance_mode="online")

    assert recipients(seminar, {"attendance_modes": ["online"]}) == {"online@example.com"}


def test_attendance_modes_are_refused_at_a_seminar_with_one_way_to_attend():
    seminar = SeminarFactory(format=Seminar.Format.ONLINE)

    with pytest.raises(RegistrationError) as refused:
        audience_parse(seminar=seminar, data={"attendance_modes": ["online"]}, purpose=SEMINAR)

    assert refused.value.message == AUDIENCE_MODES_NOT_HYBRID
    assert refused.value.field == "audience"


def test_news_goes_only_to_those_who_opted_in():
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, email="yes@example.com", news_opt_in=True)
    RegistrationFactory(seminar=seminar, email="no@example.com", news_opt_in=False)

    assert recipients(seminar, {}, purpose=NEWS) == {"yes@example.com"}
    assert recipients(seminar, {}, purpose=SEMINAR) == {"yes@example.com", "no@example.com"}


def test_an_address_registered_twice_gets_one_email_about_the_registration_that_stands():
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, status=Status.CANCELLED, email="Twice@Example.com")
    standing = RegistrationFactory(seminar=seminar, email="twice@example.com")
    RegistrationFactory(seminar=seminar, status=Status.CANCELLED, email="gone@example.com")
    latest = RegistrationFactory(seminar=seminar, status=Status.CANCELLED, email="GONE@example.com")
    audience = audience_parse(seminar=seminar, data={}, purpose=SEMINAR)

    chosen = set(audience_recipients(seminar=seminar, audience=audience))

    assert chosen == {standing, latest}
    assert audience_count(seminar=seminar, audience=audience) == 2


def test_a_cancelled_registration_is_written_to_when_its_new_one_is_not_in_the_audience():
    seminar = SeminarFactory()
    cancelled = RegistrationFactory(seminar=seminar, status=Status.CANCELLED, email="a@example.com")
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED, email="a@example.com")

    assert recipients(seminar, {"statuses": ["cancelled"]}) == {cancelled.email}


@pytest.mark.parametrize(
    "data",
    [
        {"statuses": ["confirmed", "invented"]},
        {"statuses": "confirmed"},
        {"regions": [1]},
        {"attendance": ["maybe"]},
        {"answers": {"999999": [1]}},
        {"answers": {"x": ["y"]}},
        {"answers": ["1"]},
        {"colour": ["red"]},
        ["statuses"],
    ],
)
def test_unknown_audience_data_is_refused_in_words(data):
    seminar = SeminarFactory()

    with pytest.raises(RegistrationError) as refused:
        audience_parse(seminar=seminar, data=data, purpose=SEMINAR)

    assert refused.value.field == "audience"
    assert str(refused.value.message)


def test_an_option_of_another_question_or_seminar_is_refused():
    seminar = SeminarFactory()
    topics = choice_question("Patents", seminar=seminar)
    elsewhere = choice_question("Elsewhere")

    with pytest.raises(RegistrationError, match="not an option of the question"):
        audience_parse(
            seminar=seminar,
            data={"answers": {str(topics.pk): [elsewhere.options.get().pk]}},
            purpose=SEMINAR,
        )
    with pytest.raises(RegistrationError, match="not one of this seminar's choice questions"):
        audience_parse(
            seminar=seminar,
            data={"answers": {str(elsewhere.pk): [elsewhere.options.get().pk]}},
            purpose=SEMINAR,
        )


def test_the_audience_in_words():
    seminar = SeminarFactory()
    topics = choice_question("Patents", "Trade marks", seminar=seminar, label_en="Topics")
    data = {
        "statuses": ["waitlisted", "confirmed"],
        "attendance": ["not_attended"],
        "regions": ["macao", "hong_kong"],
        "answers": {str(topics.pk): list(topics.options.values_list("pk", flat=True))},
    }
    audience = audience_parse(seminar=seminar, data=data, purpose=NEWS)

    words = audience_describe(seminar=seminar, audience=audience)

    assert words == (
        "Status: Confirmed or On the waitlist; Attendance: Did not attend; "
        "Region: Hong Kong or Macao; answered “Topics” with “Patents” or “Trade marks”; "
        "only those who agreed to receive news"
    )


def test_the_audience_in_words_in_chinese():
    from django.utils import translation

    seminar = SeminarFactory()
    audience = audience_parse(seminar=seminar, data={"statuses": ["confirmed"]}, purpose=NEWS)

    with translation.override("zh-hant"):
        words = audience_describe(seminar=seminar, audience=audience)

    assert "Status" not in words
    assert "已確認" in words


@pytest.mark.parametrize(
    ("language", "quoted", "foreign"),
    [("zh-hant", "「Topics」", "“"), ("zh-hans", "“Topics”", "「")],
)
def test_answers_in_words_are_quoted_the_way_the_language_quotes(language, quoted, foreign):
    from django.utils import translation

    seminar = SeminarFactory()
    topics = choice_question("Patents", "Trade marks", seminar=seminar, label_en="Topics")
    data = {"answers": {str(topics.pk): list(topics.options.values_list("pk", flat=True))}}
    audience = audience_parse(seminar=seminar, data=data, purpose=NEWS)

    with translation.override(language):
        words = audience_describe(seminar=seminar, audience=audience)

    assert quoted in words
    assert quoted.replace("Topics", "Patents") in words
    assert foreign not in words


# The property: for any audience, the recipients are exactly what a plain reading of the rule
# gives, and queuing writes exactly that many rows, one per recipient.

CAST_SIZE = 36


@pytest.fixture
def cast():
    """A hybrid seminar with registrations in every state, attendance, type, region and mode,
    some answering a choice question, some sharing an address, one anonymised."""
    rng = random.Random(13)
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, capacity=None, online_capacity=None)
    topics = choice_question("Patents", "Trade marks", "Design", seminar=seminar)
    options = list(topics.options.all())
    for number in range(CAST_SIZE):
        # Every fourth address was used before by a registration since cancelled.
        address = f"person{number // 2 if number % 4 < 2 else number}@example.com"
        status = rng.choice(list(Status))
        taken = Registration.objects.filter(seminar=seminar, email__iexact=address)
        if taken.exclude(status=Status.CANCELLED).exists():
            status = Status.CANCELLED
        registration = RegistrationFactory(
            seminar=seminar,
            email=address.upper() if number % 3 == 0 else address,
            status=status,
            reviewed_at=None,
            attended=rng.choice([True, False, None]),
            participant_type=rng.choice(Registration.ParticipantType.values),
            region=rng.choice(Registration.Region.values),
            attendance_mode=rng.choice(AttendanceMode.values),
            news_opt_in=rng.random() < 0.5,
            anonymised_at=timezone.now() if number == 7 else None,
        )
        if rng.random() < 0.6:
            AnswerFactory(
                registration=registration,
                question=topics,
                options=rng.sample(options, rng.randint(1, 2)),
            )
    return seminar, topics


def expected(seminar, topics, data, purpose) -> set[int]:
    """The rule read plainly, in Python, from the rows."""
    chosen_by = {}
    for choice in AnswerChoice.objects.filter(answer__question=topics).select_related("answer"):
        chosen_by.setdefault(choice.answer.registration_id, set()).add(choice.option_id)
    attended = {
        Attendance.ATTENDED: True,
        Attendance.NOT_ATTENDED: False,
        Attendance.NOT_RECORDED: None,
    }
    matching = []
    for registration in Registration.objects.filter(seminar=seminar).order_by("pk"):
        checks = [
            registration.anonymised_at is None,
            not data.get("statuses") or registration.status in data["statuses"],
            not data.get("attendance")
            or registration.attended in [attended[value] for value in data["attendance"]],
            not data.get("participant_types")
            or registration.participant_type in data["participant_types"],
            not data.get("regions") or registration.region in data["regions"],
            not data.get("attendance_modes")
            or registration.attendance_mode in data["attendance_modes"],
            not data.get("answers")
            or bool(chosen_by.get(registration.pk, set()) & set(data["answers"][str(topics.pk)])),
            purpose != NEWS or registration.news_opt_in,
        ]
        if all(checks):
            matching.append(registration)
    # One per address: the standing registration, else the latest cancelled one.
    best = {}
    for registration in matching:
        key = registration.email.lower()
        rank = (registration.status != Status.CANCELLED, registration.pk)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, registration.pk)
    return {pk for _rank, pk in best.values()}


def subsets(values):
    return st.lists(st.sampled_from(list(values)), unique=True, max_size=len(values))


@settings(
    max_examples=examples(60),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    statuses=subsets(Status.values),
    attendance=subsets([value for value, _label in Attendance.CHOICES]),
    participant_types=subsets(Registration.ParticipantType.values),
    regions=subsets(Registration.Region.values),
    modes=subsets(AttendanceMode.values),
    option_picks=st.lists(st.integers(0, 2), unique=True, max_size=3),
    purpose=st.sampled_from([SEMINAR, NEWS]),
)
def test_the_count_shown_is_the_rows_queued_for_any_audience(
    cast, statuses, attendance, participant_types, regions, modes, option_picks, purpose
):
    seminar, topics = cast
    option_ids = [
        list(topics.options.order_by("pk").values_list("pk", flat=True))[i] for i in option_picks
    ]
    data = {
        "statuses": statuses,
        "attendance": attendance,
        "participant_types": participant_types,
        "regions": regions,
        "attendance_modes": modes,
        "answers": {str(topics.pk): option_ids} if option_ids else {},
    }
    audience = audience_parse(seminar=seminar, data=data, purpose=purpose)
    announcement = AnnouncementFactory(seminar=seminar, audience=data, purpose=purpose)

    shown = audience_count(seminar=seminar, audience=audience)
    queued = announcement_queue(announcement=announcement, actor=None)

    rows = Notification.objects.filter(announcement=announcement)
    assert set(rows.values_list("registration_id", flat=True)) == expected(
        seminar, topics, data, purpose
    )
    assert shown == queued == rows.count() == announcement.recipient_count
