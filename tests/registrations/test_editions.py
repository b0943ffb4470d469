from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from registrations.editions import (
    COPIED,
    EDITION_SLUG_INVALID,
    EDITION_SLUG_TAKEN,
    EDITION_START_PAST,
    EDITION_START_SAME,
    EDITION_START_TOO_FAR,
    NOT_COPIED,
    edition_source,
    relation_key,
    seminar_edition_copy,
)
from registrations.errors import RegistrationError
from registrations.models import (
    AuditEntry,
    CertificateRun,
    DigestSubscription,
    EmailText,
    Notification,
    OpeningAlert,
    Question,
    QuestionCondition,
    SurveyOption,
)
from seminar.models import Seminar, SeminarPartner, Series, SessionSpeaker
from tests.factories import (
    AnnouncementFactory,
    AnswerFactory,
    QuestionFactory,
    RegistrationFactory,
    SeminarFactory,
    SeminarPartnerFactory,
    SeriesFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    choice_question,
    survey_response,
)

pytestmark = pytest.mark.django_db
HKT = timezone.get_default_timezone()


def test_every_relation_of_a_seminar_and_of_what_is_copied_is_classified():
    """Walks Seminar's relations and, for each one copied, the copied model's own relations:
    a relation nobody decided about would be silently left behind (or copied) by the edition."""
    assert not COPIED.keys() & NOT_COPIED.keys()
    seen, to_walk, unclassified = set(), [Seminar], []
    while to_walk:
        model = to_walk.pop()
        if model in seen:
            continue
        seen.add(model)
        for relation in model._meta.related_objects:
            key = relation_key(relation)
            if key in COPIED:
                to_walk.append(relation.related_model)
            elif key not in NOT_COPIED:
                unclassified.append(f"{key} (points at {model._meta.label})")
    assert not unclassified, (
        "A new relation is not classified for a seminar's next edition: add each of "
        f"{unclassified} to COPIED (and copy it in seminar_edition_copy) or to NOT_COPIED, "
        "with a one-line reason, in registrations/editions.py, and say so in docs/editions.md."
    )
    walked = {relation_key(relation) for model in seen for relation in model._meta.related_objects}
    assert set(COPIED) | set(NOT_COPIED) <= walked, "classified relations that no longer exist"


@pytest.fixture
def last_year():
    """Last year's edition at 14:30 HKT with everything a seminar can have, people included."""
    start = datetime(2025, 8, 12, 14, 30, tzinfo=HKT)
    seminar = SeminarFactory(
        slug="2025-gd-hk-ip-seminar",
        title_en="2025 Seminar",
        title_zh_hant="2025 研討會",
        title_zh_hans="2025 研讨会",
        theme_zh_hans="知识产权交易",
        description_zh_hant="簡介",
        venue_en="Convention Centre",
        venue_zh_hant="會議展覽中心",
        enquiries_name_zh_hans="秘书处",
        format=Seminar.Format.HYBRID,
        starts_at=start,
        ends_at=start + timedelta(hours=2, minutes=30),
        registration_opens_at=start - timedelta(days=30),
        registration_closes_at=start - timedelta(hours=2),
        capacity=300,
        online_capacity=500,
        requires_approval=True,
        waitlist_enabled=False,
        reminder_hours="48, 2",
        join_details_hours_before=3,
        enquiries_email="ip@example.gov.hk",
        certificates_enabled=True,
        cpd_hours=Decimal("2.5"),
        certificate_online_unit="minutes",
        certificate_online_minimum=90,
        certificate_signatory_name_en="WONG Ka Yan",
        certificate_signatory_title_zh_hant="處長",
        joining_instructions_zh_hant="會議編號 123",
        series=SeriesFactory(),
        seats_taken=2,
    )
    talk = SessionFactory(
        seminar=seminar,
        title_en="Opening",
        title_zh_hant="開幕",
        starts_at=start,
        ends_at=start + timedelta(minutes=15),
        order=1,
    )
    panel = SessionFactory(
        seminar=seminar,
        title_en="Panel",
        kind="panel",
        starts_at=start + timedelta(minutes=60),
        ends_at=start + timedelta(minutes=120),
        order=2,
    )
    SessionSpeakerFactory(session=talk, role=SessionSpeaker.Role.SPEAKER)
    SessionSpeakerFactory(session=panel, role=SessionSpeaker.Role.MODERATOR, order=0)
    SessionSpeakerFactory(session=panel, role=SessionSpeaker.Role.PANELLIST, order=1)
    SeminarPartnerFactory(seminar=seminar, role=SeminarPartner.Role.ORGANISER, order=0)
    SeminarPartnerFactory(
        seminar=seminar, role=SeminarPartner.Role.SUPPORTER, order=1, on_certificate=False
    )
    EmailText.objects.create(
        seminar=seminar, kind="confirmation", intro_en="Welcome", intro_zh_hans="欢迎"
    )
    attend = choice_question("Live", "Recording", seminar=seminar, order=1, label_en="Attend?")
    recording = QuestionFactory(seminar=seminar, order=2, label_en="Recording email")
    condition = QuestionCondition.objects.create(question=recording, depends_on=attend)
    condition.options.set(attend.options.filter(label_en="Recording"))
    survey = SurveyFactory(
        seminar=seminar,
        intro_zh_hant="請告訴我們",
        opens_at=start + timedelta(hours=3),
        closes_at=start + timedelta(days=10),
        anonymous=True,
        invitations_queued_at=start + timedelta(hours=3),
    )
    rating = SurveyQuestionFactory(survey=survey, label_zh_hant="有用嗎？", headline_en="useful")
    topics = SurveyQuestionFactory(survey=survey, kind="multiple", options=["Trading", "Courts"])
    SurveyOption.objects.create(question=topics, label_en="Retired", order=9, retired=True)
    # People and what hangs off them: none of it may reach the copy.
    registration = RegistrationFactory(seminar=seminar, attended=True)
    AnswerFactory(registration=registration, question=recording, value="me@example.com")
    Notification.objects.create(registration=registration, kind="confirmation")
    survey_response(survey, registration, {rating: 5, topics: ["Courts"]})
    AnnouncementFactory(seminar=seminar)
    OpeningAlert.objects.create(
        seminar=seminar, email="waiting@example.com", language="en", consent_at=start
    )
    organiser = get_user_model().objects.create_user("organiser", is_staff=True)
    DigestSubscription.objects.create(user=organiser, seminar=seminar, language="en")
    AuditEntry.objects.create(seminar=seminar, registration=registration, action="export")
    CertificateRun.objects.create(seminar=seminar)
    return seminar


# A year later at 09:00 instead of 14:30 (Hong Kong keeps no daylight saving time).
NEW_START = datetime(2026, 8, 20, 9, 0, tzinfo=HKT)
# "Now" for the copies: the new start is in the future, as the rule wants.
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=HKT)


def test_copy_moves_every_time_by_the_same_offset(last_year):
    offset = NEW_START - last_year.starts_at

    copy = seminar_edition_copy(
        now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar"
    ).seminar

    copy.refresh_from_db()
    assert copy.starts_at == NEW_START
    assert copy.ends_at == datetime(2026, 8, 20, 11, 30, tzinfo=HKT)
    assert copy.registration_opens_at == last_year.registration_opens_at + offset
    assert copy.registration_closes_at == last_year.registration_closes_at + offset
    assert [(s.title_en, s.starts_at, s.ends_at) for s in copy.sessions.all()] == [
        (s.title_en, s.starts_at + offset, s.ends_at + offset) for s in last_year.sessions.all()
    ]
    assert timezone.localtime(copy.sessions.last().starts_at, HKT).hour == 10
    survey = copy.survey
    assert survey.opens_at == last_year.survey.opens_at + offset
    assert survey.closes_at == last_year.survey.closes_at + offset
    assert survey.invitations_queued_at is None
    assert survey.anonymous is True


def test_copy_is_a_draft_with_no_seat_taken_and_no_meeting_link(last_year):
    copy = seminar_edition_copy(
        now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar"
    ).seminar

    copy.refresh_from_db()
    assert copy.status == Seminar.Status.DRAFT
    assert (copy.seats_taken, copy.online_seats_taken) == (0, 0)
    assert copy.join_url == ""
    assert (copy.joining_instructions_en, copy.joining_instructions_zh_hant) == ("", "")


def test_copy_keeps_every_language_and_setting(last_year):
    copy = seminar_edition_copy(
        now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar"
    ).seminar

    copy.refresh_from_db()
    same = [
        "theme_zh_hans", "description_zh_hant",
        "venue_en", "venue_zh_hant", "enquiries_name_zh_hans", "enquiries_email", "format",
        "capacity", "online_capacity", "requires_approval", "waitlist_enabled",
        "reminder_hours", "join_details_hours_before", "certificates_enabled", "cpd_hours",
        "certificate_online_unit", "certificate_online_minimum",
        "certificate_signatory_name_en", "certificate_signatory_title_zh_hant", "series_id",
    ]  # fmt: skip
    assert {name: getattr(copy, name) for name in same} == {
        name: getattr(last_year, name) for name in same
    }
    assert (copy.title_en, copy.title_zh_hant, copy.title_zh_hans) == (
        "2026 Seminar",
        "2026 研討會",
        "2026 研讨会",
    )
    assert copy.sessions.first().title_zh_hant == "開幕"
    assert copy.email_texts.get().intro_zh_hans == "欢迎"
    assert copy.survey.intro_zh_hant == "請告訴我們"
    assert copy.survey.questions.first().label_zh_hant == "有用嗎？"


def test_copy_keeps_speakers_partners_questions_and_survey_options(last_year):
    copy = seminar_edition_copy(
        now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar"
    ).seminar

    def speakers(seminar):
        rows = SessionSpeaker.objects.filter(session__seminar=seminar)
        return list(rows.order_by("session__order", "order").values_list("speaker", "role"))

    assert speakers(copy) == speakers(last_year)
    partner_fields = ("organisation", "role", "order", "on_certificate")
    assert list(copy.partners.values_list(*partner_fields)) == list(
        last_year.partners.values_list(*partner_fields)
    )
    assert list(copy.questions.values_list("label_en", flat=True)) == [
        "Attend?",
        "Recording email",
    ]
    condition = QuestionCondition.objects.get(question__seminar=copy)
    assert condition.depends_on.seminar == copy
    assert [option.question.seminar for option in condition.options.all()] == [copy]
    topics = copy.survey.questions.get(kind="multiple")
    assert list(topics.options.values_list("label_en", flat=True)) == ["Trading", "Courts"]


def test_copy_takes_nobody_along(last_year):
    """No registrations, answers, emails, responses, alerts, certificates or logs of anyone."""
    copy = seminar_edition_copy(
        now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar"
    ).seminar

    for relation in Seminar._meta.related_objects:
        if relation_key(relation) in NOT_COPIED:
            assert not getattr(copy, relation.get_accessor_name()).exists(), relation_key(relation)
    assert not Notification.objects.filter(registration__seminar=copy).exists()
    assert not Question.objects.filter(seminar=copy, answers__isnull=False).exists()
    assert not copy.survey.responses.exists()
    assert not copy.survey.participations.exists()
    # The source is untouched.
    assert last_year.registrations.count() == 1
    assert last_year.survey.responses.count() == 1


def test_slug_taken_or_malformed_is_refused_next_to_the_slug(last_year):
    SeminarFactory(slug="2026-seminar")

    with pytest.raises(RegistrationError) as taken:
        seminar_edition_copy(now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar")
    with pytest.raises(RegistrationError) as malformed:
        seminar_edition_copy(now=NOW, source=last_year, starts_at=NEW_START, slug="2026 seminar!")

    assert taken.value.field == "slug"
    assert taken.value.message == EDITION_SLUG_TAKEN % {"slug": "2026-seminar"}
    assert malformed.value.field == "slug"
    assert malformed.value.message == EDITION_SLUG_INVALID % {"max": 120}
    assert Seminar.objects.count() == 2


def test_review_lists_what_to_check_in_the_organisers_language(last_year):
    with translation.override("en"):
        review = seminar_edition_copy(
            now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar"
        ).review

    targets = [(item.anchor, item.page) for item in review]
    assert targets == [
        ("id_title_en", ""),
        ("id_join_url", ""),
        ("id_registration_opens_at_0", ""),
        ("sessions-group", ""),
        ("id_capacity", ""),
        ("id_certificate_signatory_name_en", ""),
        ("", "survey"),
        ("id_status", ""),
    ]
    texts = " ".join(item.text for item in review)
    assert review[0].text.startswith("Check the title")
    assert "3 speakers" in texts
    assert "the earlier edition's speakers" in texts
    assert "last year" not in texts
    # Hybrid: both kinds of seats, and what the earlier edition filled of each.
    assert "300 in the room and 500 online" in texts
    assert (
        f"confirmed {last_year.seats_taken} in the room and "
        f"{last_year.online_seats_taken} online" in texts
    )
    assert "still WONG Ka Yan?" in texts
    assert "21 July 2026" in texts  # registration opens 30 days before the new start


def test_in_person_review_counts_the_seats_once(last_year):
    Seminar.objects.filter(pk=last_year.pk).update(format=Seminar.Format.IN_PERSON)
    last_year.refresh_from_db()

    with translation.override("en"):
        review = seminar_edition_copy(
            now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar"
        ).review

    capacity = next(item.text for item in review if item.anchor == "id_capacity")
    assert capacity == (
        "Check the capacity: 300 seats, as last time, when "
        f"{last_year.seats_taken} registrations were confirmed."
    )


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (datetime(2025, 12, 1, 9, tzinfo=HKT), EDITION_START_PAST),
        (datetime(2026, 1, 5, 9, tzinfo=HKT), EDITION_START_PAST),  # now is not the future
        (datetime(2101, 1, 1, 9, tzinfo=HKT), EDITION_START_TOO_FAR % {"year": 2100}),
        (datetime(9999, 12, 31, 23, 59, tzinfo=HKT), EDITION_START_TOO_FAR % {"year": 2100}),
    ],
)
def test_start_not_in_the_future_or_too_far_is_refused_next_to_the_start(
    last_year, starts_at, message
):
    with pytest.raises(RegistrationError) as refused:
        seminar_edition_copy(now=NOW, source=last_year, starts_at=starts_at, slug="new")

    assert (refused.value.field, refused.value.message) == ("starts_at", message)
    assert Seminar.objects.count() == 1


def test_start_equal_to_the_sources_is_refused_even_in_the_future(last_year):
    with pytest.raises(RegistrationError) as refused:
        seminar_edition_copy(
            now=datetime(2025, 1, 1, tzinfo=HKT),
            source=last_year,
            starts_at=last_year.starts_at,
            slug="new",
        )

    assert (refused.value.field, refused.value.message) == ("starts_at", EDITION_START_SAME)


def test_upper_case_slug_is_refused(last_year):
    with pytest.raises(RegistrationError) as refused:
        seminar_edition_copy(now=NOW, source=last_year, starts_at=NEW_START, slug="ABC-2026")

    assert refused.value.field == "slug"


def test_title_year_moves_only_where_it_stands_alone(last_year):
    Seminar.objects.filter(pk=last_year.pk).update(
        title_en="The 12025th Seminar", title_zh_hant="2025年研討會", title_zh_hans="研讨会"
    )
    last_year.refresh_from_db()

    copy = seminar_edition_copy(
        now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar"
    ).seminar

    copy.refresh_from_db()
    assert (copy.title_en, copy.title_zh_hant, copy.title_zh_hans) == (
        "The 12025th Seminar",
        "2026年研討會",
        "研讨会",
    )


def test_new_series_takes_both_editions_named_without_the_year(last_year):
    Seminar.objects.filter(pk=last_year.pk).update(series=None)
    last_year.refresh_from_db()

    copy = seminar_edition_copy(
        now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar", new_series=True
    ).seminar

    last_year.refresh_from_db()
    series = copy.series
    assert last_year.series == series
    assert (series.name_en, series.name_zh_hant, series.name_zh_hans) == (
        "Seminar",
        "研討會",
        "研讨会",
    )


def test_new_series_is_not_made_for_a_seminar_already_in_one(last_year):
    series = last_year.series

    copy = seminar_edition_copy(
        now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar", new_series=True
    ).seminar

    assert copy.series == series
    assert Series.objects.count() == 1


def test_copy_is_recorded_in_the_new_seminars_history(last_year):
    organiser = get_user_model().objects.get(username="organiser")

    copy = seminar_edition_copy(
        now=NOW, source=last_year, starts_at=NEW_START, slug="2026-seminar", actor=organiser
    ).seminar

    entry = LogEntry.objects.get(object_id=str(copy.pk))
    assert entry.user == organiser
    with translation.override("en"):
        assert entry.get_change_message() == (
            "Added new edition, copied from “2025 Seminar (2025-gd-hk-ip-seminar)”."
        )
    with translation.override("zh-hant"):
        assert "新一屆" in entry.get_change_message()
    assert edition_source(seminar=copy) == last_year
    Seminar.objects.filter(pk=copy.pk).update(status=Seminar.Status.PUBLISHED)
    copy.refresh_from_db()
    assert edition_source(seminar=copy) is None  # published: nothing left to review


def test_seminar_without_programme_questions_or_survey_copies(last_year):
    bare = SeminarFactory(slug="bare")

    copy = seminar_edition_copy(now=NOW, source=bare, starts_at=NEW_START, slug="bare-2026").seminar

    assert copy.pk != bare.pk
    assert not copy.sessions.exists()
    assert not hasattr(copy, "survey") or copy.survey is None
