import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from seminar.models import SeminarPartner, Session, SessionSpeaker
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    SeminarPartnerFactory,
    SessionFactory,
    SessionSpeakerFactory,
)

pytestmark = pytest.mark.django_db


def test_home_lists_upcoming_seminars_before_past_ones_and_hides_drafts(client):
    now = timezone.now()
    past = SeminarFactory(title_en="Past seminar", starts_at=now - timedelta(days=400))
    later = SeminarFactory(title_en="Later seminar", starts_at=now + timedelta(days=60))
    sooner = SeminarFactory(title_en="Sooner seminar", starts_at=now + timedelta(days=10))
    SeminarFactory(title_en="Secret draft", status="draft")

    response = client.get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert [seminar.pk for seminar in response.context["listing"].upcoming] == [sooner.pk, later.pk]
    assert [seminar.pk for seminar in response.context["listing"].past] == [past.pk]
    assert page.index("Sooner seminar") < page.index("Later seminar") < page.index("Past seminar")
    assert "Secret draft" not in page


def test_draft_seminar_page_is_not_found(client):
    seminar = SeminarFactory(status="draft")

    response = client.get(seminar.get_absolute_url())

    assert response.status_code == 404


def test_seminar_page_shows_programme_in_time_order_with_speakers_and_partners(client):
    seminar = SeminarFactory(theme_en="IP trading in Qianhai")
    late = SessionFactory(
        seminar=seminar,
        title_en="Panel on mediation",
        kind=Session.Kind.PANEL,
        starts_at=seminar.starts_at + timedelta(minutes=60),
    )
    early = SessionFactory(seminar=seminar, title_en="Opening remarks", starts_at=seminar.starts_at)
    SessionSpeakerFactory(
        session=late,
        speaker__name_en="LEE Chi Keung",
        speaker__name_zh="李志強",
        speaker__organisation__name_en="Harbour IP Law Firm",
        role=SessionSpeaker.Role.MODERATOR,
    )
    SeminarPartnerFactory(
        seminar=seminar,
        organisation__name_en="Intellectual Property Department",
        role=SeminarPartner.Role.ORGANISER,
    )
    SeminarPartnerFactory(
        seminar=seminar,
        organisation__name_en="Federation of Hong Kong Industries",
        role=SeminarPartner.Role.SUPPORTER,
    )

    response = client.get(seminar.get_absolute_url())

    page = response.content.decode()
    assert page.index(early.title_en) < page.index(late.title_en)
    assert "IP trading in Qianhai" in page
    assert "Moderator:" in page
    assert "LEE Chi Keung 李志強" in page
    assert "Harbour IP Law Firm" in page
    assert page.index("Organised by") < page.index("Intellectual Property Department")
    assert page.index("Supported by") < page.index("Federation of Hong Kong Industries")


def test_seminar_page_shows_time_in_hong_kong_time_with_the_zone_named(client):
    seminar = SeminarFactory(
        starts_at=timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC),
        ends_at=timezone.datetime(2030, 8, 12, 9, 0, tzinfo=timezone.UTC),
    )

    response = client.get(seminar.get_absolute_url())

    assert "12 August 2030 (Monday) 14:30–17:00 HKT" in response.content.decode()


def test_seminar_page_never_shows_join_link_or_instructions(client):
    seminar = SeminarFactory(
        join_url="https://webinar.example.com/j/private-room-123",
        joining_instructions_en="Passcode 998877",
    )

    page = client.get(seminar.get_absolute_url()).content.decode()

    assert "private-room-123" not in page
    assert "998877" not in page


@pytest.mark.parametrize(
    ("seminar_kwargs", "confirmed", "expected"),
    [
        ({"capacity": 10}, 3, "Registration is open: 7 seats left."),
        ({"capacity": 2}, 1, "Registration is open: 1 seat left."),
        ({"capacity": 1, "waitlist_enabled": True}, 1, "You can join the waitlist"),
        ({"capacity": 1, "waitlist_enabled": False}, 1, "This seminar is full."),
        (
            {"registration_closes_at": timezone.now() - timedelta(hours=1)},
            0,
            "Registration is closed.",
        ),
        ({"status": "cancelled"}, 0, "This seminar has been cancelled."),
    ],
)
def test_seminar_page_says_the_registration_state_in_words(
    client, seminar_kwargs, confirmed, expected
):
    seminar = SeminarFactory(**seminar_kwargs)
    for _ in range(confirmed):
        RegistrationFactory(seminar=seminar)

    page = client.get(seminar.get_absolute_url()).content.decode()

    assert expected in page


def test_seminar_page_before_opening_says_when_registration_opens(client):
    seminar = SeminarFactory(
        registration_opens_at=timezone.datetime(2030, 7, 1, 1, 0, tzinfo=timezone.UTC),
        starts_at=timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC),
        ends_at=timezone.datetime(2030, 8, 12, 9, 0, tzinfo=timezone.UTC),
    )

    page = client.get(seminar.get_absolute_url()).content.decode()

    assert "Registration opens on 1 July 2030 (Monday) 09:00 HKT." in page
    assert reverse("registrations:create", kwargs={"slug": seminar.slug}) not in page


def test_seminar_page_passes_tracking_parameters_to_the_register_link(client):
    seminar = SeminarFactory()

    response = client.get(seminar.get_absolute_url() + "?utm_source=ipd&ref=fhki&evil=1")

    register_url = reverse("registrations:create", kwargs={"slug": seminar.slug})
    assert f"{register_url}?utm_source=ipd&amp;ref=fhki" in response.content.decode()


def test_seminar_page_in_chinese_shows_chinese_content_and_falls_back_to_english(client):
    seminar = SeminarFactory(title_zh_hant="知識產權研討會", theme_en="English theme only")

    page = client.get(f"/zh-hant/seminars/{seminar.slug}/").content.decode()

    assert "知識產權研討會" in page
    assert "English theme only" in page


def test_seminar_page_query_count_does_not_grow_with_the_programme(
    client, django_assert_num_queries
):
    small = SeminarFactory()
    SessionSpeakerFactory(session=SessionFactory(seminar=small))
    large = SeminarFactory()
    for _ in range(8):
        session = SessionFactory(seminar=large)
        SessionSpeakerFactory.create_batch(3, session=session)
    for _ in range(5):
        SeminarPartnerFactory(seminar=large)

    with django_assert_num_queries(4):
        client.get(small.get_absolute_url())
    with django_assert_num_queries(4):
        client.get(large.get_absolute_url())


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_organisers_edit_shows_on_the_public_page_within_a_second(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 1
    seminar = SeminarFactory(title_en="Old title")
    client.get(seminar.get_absolute_url())

    seminar.title_en = "New title"
    seminar.save()
    time.sleep(1.05)
    page = client.get(seminar.get_absolute_url()).content.decode()

    assert "New title" in page


def test_a_seminar_turned_draft_disappears_within_a_second(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 1
    seminar = SeminarFactory()
    client.get(seminar.get_absolute_url())

    seminar.status = "draft"
    seminar.save()
    time.sleep(1.05)

    assert client.get(seminar.get_absolute_url()).status_code == 404


def test_cancelled_seminar_page_says_so_and_offers_no_registration_or_link_resend(client):
    seminar = SeminarFactory(status="cancelled")

    page = client.get(seminar.get_absolute_url()).content.decode()

    assert page.count("This seminar has been cancelled.") == 1
    assert "Register now" not in page
    assert reverse("registrations:create", kwargs={"slug": seminar.slug}) not in page
    assert reverse("registrations:resend", kwargs={"slug": seminar.slug}) not in page
    assert "webinar.example.com" not in page
