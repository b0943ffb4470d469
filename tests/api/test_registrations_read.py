"""GET /api/v1/registrations/ and /{id}/: organisers' systems read registrations with their
answers and attendance, filtered, and walk them with a cursor that misses nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrations.models import Certificate, Question, Registration
from tests.factories import (
    AnswerFactory,
    QuestionFactory,
    RegistrationFactory,
    SeminarFactory,
    choice_question,
)
from tests.hypothesis_budget import examples

from .conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/registrations/"
Status = Registration.Status


@pytest.fixture
def seminar():
    return SeminarFactory(slug="ip-2026")


@pytest.fixture
def registration(seminar):
    registration = RegistrationFactory(
        seminar=seminar,
        name_en="CHAN Tai Man",
        email="tai.man@example.com",
        attended=True,
        minutes_online=95,
        join_opens=2,
        checked_in_at=timezone.now(),
    )
    topics = choice_question(
        "Patents",
        "Trade marks",
        "Designs",
        seminar=seminar,
        kind=Question.Kind.MULTIPLE,
        label_en="Topics",
        order=1,
    )
    chosen = [topics.options.get(label_en="Designs"), topics.options.get(label_en="Patents")]
    AnswerFactory(registration=registration, question=topics, options=chosen)
    member = QuestionFactory(
        seminar=seminar, kind=Question.Kind.YES_NO, label_en="Member?", order=0
    )
    AnswerFactory(registration=registration, question=member, value="yes")
    Certificate.objects.create(registration=registration, name_en="CHAN Tai Man", hours=2)
    return registration


def test_a_registration_comes_with_its_answers_and_attendance(organiser_api, registration):
    body = organiser_api.get(f"{URL}{registration.pk}/").json()
    assert body["id"] == registration.pk
    assert body["seminar"] == "ip-2026"
    assert body["status"] == "confirmed"
    assert body["name_en"] == "CHAN Tai Man"
    assert body["email"] == "tai.man@example.com"
    member, topics = body["answers"]
    assert (member["label"], member["text"], member["value"]) == ("Member?", "Yes", "yes")
    assert topics["label"] == "Topics"
    assert topics["text"] == "Patents; Designs"
    options = registration.seminar.questions.get(label_en="Topics").options
    assert topics["option_ids"] == sorted(
        options.filter(label_en__in=["Patents", "Designs"]).values_list("pk", flat=True)
    )
    attendance = body["attendance"]
    assert attendance["attended"] is True
    assert attendance["minutes_online"] == 95
    assert attendance["join_opens"] == 2
    assert attendance["checked_in_at"] is not None
    assert attendance["certificate_code"] == registration.certificates.get().code


def test_a_revoked_certificate_is_not_shown(organiser_api, registration):
    Certificate.objects.update(revoked_at=timezone.now())
    body = organiser_api.get(f"{URL}{registration.pk}/").json()
    assert body["attendance"]["certificate_code"] is None


def test_answers_come_in_the_requested_language(organiser, registration):
    body = client_for(organiser, language="zh-hant").get(f"{URL}{registration.pk}/").json()
    assert body["answers"][0]["text"] != "Yes"
    assert body["answers"][0]["value"] == "yes"


def test_an_anonymised_registration_shows_what_is_left(organiser_api, registration):
    from registrations.privacy import personal_data_purge

    seminar = registration.seminar
    seminar.starts_at = timezone.now() - timedelta(days=400)
    seminar.ends_at = seminar.starts_at + timedelta(hours=2)
    seminar.registration_opens_at = None
    seminar.save()
    personal_data_purge(days=30)
    body = organiser_api.get(f"{URL}{registration.pk}/").json()
    assert body["anonymised_at"] is not None
    assert body["name_en"] == ""
    assert body["email"] == f"anonymised-{registration.pk}@invalid"
    assert body["participant_type"] == "sme"
    assert body["attendance"]["attended"] is True


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous_api", 401), ("door_api", 403), ("viewer_api", 403), ("organiser_api", 200)],
)
def test_only_organisers_read_registrations(request, registration, who, status):
    client = request.getfixturevalue(who)
    assert client.get(URL).status_code == status
    assert client.get(f"{URL}{registration.pk}/").status_code == status


def test_no_role_staff_are_refused(no_role, registration):
    response = client_for(no_role).get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_an_unknown_registration_is_404(organiser_api):
    assert organiser_api.get(f"{URL}999999/").json()["code"] == "not_found"


def test_filters_by_seminar_and_status(organiser_api, seminar):
    other = SeminarFactory(slug="other")
    mine = RegistrationFactory(seminar=seminar)
    waiting = RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    RegistrationFactory(seminar=other)
    ids = [row["id"] for row in organiser_api.get(f"{URL}?seminar=ip-2026").json()["results"]]
    assert ids == [mine.pk, waiting.pk]
    rows = organiser_api.get(f"{URL}?seminar=ip-2026&status=waitlisted").json()["results"]
    assert [row["id"] for row in rows] == [waiting.pk]


def test_updated_since_gives_only_later_changes(organiser_api, seminar):
    old, new = RegistrationFactory.create_batch(2, seminar=seminar)
    long_ago = timezone.now() - timedelta(days=3)
    Registration.objects.filter(pk=old.pk).update(updated_at=long_ago)
    since = (long_ago + timedelta(seconds=1)).isoformat()
    rows = organiser_api.get(URL, {"updated_since": since}).json()["results"]
    assert [row["id"] for row in rows] == [new.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-05-01T09:00:00", "updated_since"),
        ("status=lost", "status"),
        ("seminar=no-such-seminar", "seminar"),
        ("cursor=garbage", "cursor"),
        ("page_size=0", "page_size"),
    ],
)
def test_bad_filters_are_400_naming_the_field(organiser_api, query, field):
    response = organiser_api.get(f"{URL}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]
    assert body["fields"][field][0]["message"]


def _walk(client, page_size: int, start: str = URL) -> tuple[list[int], str | None]:
    seen, url, cursor = [], f"{start}{'&' if '?' in start else '?'}page_size={page_size}", None
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, cursor = body["next"], body["cursor"]
    return seen, cursor


def test_the_cursor_walks_every_row_once_even_with_equal_update_times(organiser_api, seminar):
    registrations = RegistrationFactory.create_batch(7, seminar=seminar)
    same = timezone.now() - timedelta(hours=1)
    Registration.objects.filter(pk__in=[r.pk for r in registrations[1:6]]).update(updated_at=same)
    expected = list(Registration.objects.order_by("updated_at", "pk").values_list("pk", flat=True))
    seen, _ = _walk(organiser_api, page_size=2)
    assert seen == expected


def test_a_sync_resumes_from_its_last_cursor_with_only_the_changes(organiser_api, seminar):
    first, second = RegistrationFactory.create_batch(2, seminar=seminar)
    seen, cursor = _walk(organiser_api, page_size=10)
    assert seen == [first.pk, second.pk]
    third = RegistrationFactory(seminar=seminar)
    first.job_title = "Partner"
    first.save()
    body = organiser_api.get(URL, {"cursor": cursor}).json()
    assert [row["id"] for row in body["results"]] == [third.pk, first.pk]
    assert body["next"] is None
    assert organiser_api.get(URL, {"cursor": body["cursor"]}).json()["results"] == []


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    times=st.lists(st.integers(min_value=0, max_value=3), min_size=0, max_size=9),
    page_size=st.integers(min_value=1, max_value=4),
)
def test_any_mix_of_update_times_is_walked_exactly_once(organiser_api, times, page_size):
    seminar = SeminarFactory()  # a fresh one each example, walked through the seminar filter
    base = timezone.now() - timedelta(days=1)
    for minutes in times:
        registration = RegistrationFactory(seminar=seminar)
        Registration.objects.filter(pk=registration.pk).update(
            updated_at=base + timedelta(minutes=minutes)
        )
    seen, _ = _walk(organiser_api, page_size=page_size, start=f"{URL}?seminar={seminar.slug}")
    expected = seminar.registrations.order_by("updated_at", "pk").values_list("pk", flat=True)
    assert seen == list(expected)


def test_the_list_takes_the_same_queries_whatever_the_page_size(
    organiser_api, seminar, django_assert_num_queries
):
    topics = choice_question("A", "B", seminar=seminar)
    for registration in RegistrationFactory.create_batch(12, seminar=seminar):
        AnswerFactory(registration=registration, question=topics, options=[topics.options.first()])
        Certificate.objects.create(registration=registration, name_en="X", hours=1)
    organiser_api.get(URL)  # the token's first use writes last_used_at
    # token, permissions (two), registrations, answers, chosen options, certificates
    with django_assert_num_queries(7):
        assert len(organiser_api.get(f"{URL}?page_size=2").json()["results"]) == 2
    with django_assert_num_queries(7):
        assert len(organiser_api.get(f"{URL}?page_size=12").json()["results"]) == 12


def test_a_sync_sees_check_ins_and_anonymisation(organiser_api, organiser, seminar):
    from registrations.checkin import checkin_record
    from registrations.privacy import personal_data_purge

    registration = RegistrationFactory(seminar=seminar)
    _seen, cursor = _walk(organiser_api, page_size=10)
    seminar.starts_at = timezone.now() - timedelta(minutes=5)
    seminar.ends_at = timezone.now() + timedelta(hours=1)
    seminar.registration_opens_at = None
    seminar.format = "in_person"
    seminar.save()
    checkin_record(seminar=seminar, code=registration.checkin_code, by=organiser)
    body = organiser_api.get(URL, {"cursor": cursor}).json()
    assert [row["attendance"]["checked_in_at"] is not None for row in body["results"]] == [True]
    seminar.starts_at = timezone.now() - timedelta(days=400)
    seminar.ends_at = seminar.starts_at + timedelta(hours=2)
    seminar.save()
    personal_data_purge(days=30)
    rows = organiser_api.get(URL, {"cursor": body["cursor"]}).json()["results"]
    assert [row["anonymised_at"] is not None for row in rows] == [True]


def test_updated_since_without_an_offset_says_to_add_one(organiser_api):
    response = organiser_api.get(f"{URL}?updated_since=2026-05-01T09:00:00")
    assert response.status_code == 400
    assert response.json()["fields"]["updated_since"][0]["code"] == "offset_missing"
    assert "+08:00" in response.json()["fields"]["updated_since"][0]["message"]
    assert organiser_api.get(f"{URL}?updated_since=2026-05-01T09:00:00Z").status_code == 200
