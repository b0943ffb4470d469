import time
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.demo import demo_load
from seminar.models import Seminar, SeminarPartner, Session, SessionSpeaker
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


def meta_tags(page: str) -> dict[str, list[str]]:
    """The page's <meta> tags, name or property to contents, as a link preview reads them."""
    parser = MetaParser()
    parser.feed(page)
    return parser.tags


class MetaParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        key = attributes.get("property") or attributes.get("name")
        if tag == "meta" and key:
            self.tags.setdefault(key, []).append(attributes.get("content"))


@pytest.fixture
def shared_seminar():
    seminar = SeminarFactory(
        slug="ip-seminar-2030",
        title_en="Seminar on IP & SMEs",
        title_zh_hant="知識產權與中小企業研討會",
        title_zh_hans="知识产权与中小企业研讨会",
        theme_en="IP trading in the Greater Bay Area",
        theme_zh_hant="大灣區知識產權交易",
        theme_zh_hans="大湾区知识产权交易",
        starts_at=timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC),
        ends_at=timezone.datetime(2030, 8, 12, 9, 0, tzinfo=timezone.UTC),
    )
    for order, (name_en, name_zh_hant, name_zh_hans, role) in enumerate(
        [
            ("Intellectual Property Department", "知識產權署", "知识产权署", "organiser"),
            ("Trade Development Council", "貿易發展局", "贸易发展局", "organiser"),
            ("Federation of Industries", "工業總會", "工业总会", "supporter"),
        ]
    ):
        SeminarPartnerFactory(
            seminar=seminar,
            role=role,
            order=order,
            organisation__name_en=name_en,
            organisation__name_zh_hant=name_zh_hant,
            organisation__name_zh_hans=name_zh_hans,
        )
    return seminar


@pytest.mark.parametrize(
    ("prefix", "title", "description", "locale", "alternates"),
    [
        (
            "",
            "Seminar on IP & SMEs",
            "12 August 2030 (Monday) 14:30–17:00 HKT. Organised by Intellectual Property "
            "Department, Trade Development Council. IP trading in the Greater Bay Area",
            "en_GB",
            ["zh_HK", "zh_CN"],
        ),
        (
            "/zh-hant",
            "知識產權與中小企業研討會",
            "2030年8月12日（星期一） 14:30–17:00 HKT。主辦機構：知識產權署、貿易發展局。"
            "大灣區知識產權交易",
            "zh_HK",
            ["en_GB", "zh_CN"],
        ),
        (
            "/zh-hans",
            "知识产权与中小企业研讨会",
            "2030年8月12日（星期一） 14:30–17:00 HKT。主办机构：知识产权署、贸易发展局。"
            "大湾区知识产权交易",
            "zh_CN",
            ["en_GB", "zh_HK"],
        ),
    ],
)
def test_seminar_page_previews_when_shared_in_its_language(
    client, settings, shared_seminar, prefix, title, description, locale, alternates
):
    settings.SITE_URL = "https://seminars.example.gov.hk"

    page = client.get(f"{prefix}/seminars/ip-seminar-2030/").content.decode()

    assert meta_tags(page) == {
        "viewport": ["width=device-width, initial-scale=1"],
        "description": [description],
        "og:type": ["website"],
        "og:site_name": [{"": "Seminars", "/zh-hant": "研討會", "/zh-hans": "研讨会"}[prefix]],
        "og:title": [title],
        "og:description": [description],
        "og:url": [f"https://seminars.example.gov.hk{prefix}/seminars/ip-seminar-2030/"],
        "og:locale": [locale],
        "og:locale:alternate": alternates,
    }


def test_seminar_page_preview_without_organisers_or_theme_gives_the_time(client):
    seminar = SeminarFactory(
        theme_en="",
        starts_at=timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC),
        ends_at=timezone.datetime(2030, 8, 12, 9, 0, tzinfo=timezone.UTC),
    )

    page = client.get(seminar.get_absolute_url()).content.decode()

    assert meta_tags(page)["og:description"] == ["12 August 2030 (Monday) 14:30–17:00 HKT."]


@pytest.mark.parametrize(
    ("prefix", "start"),
    [("", "Upcoming and past seminars"), ("/zh-hant", "即將舉行"), ("/zh-hans", "即将举行")],
)
def test_home_page_has_a_description_in_its_language(client, prefix, start):
    page = client.get(f"{prefix}/").content.decode()

    (description,) = meta_tags(page)["description"]
    assert description.startswith(start)


def test_seminar_page_shows_the_enquiries_contact_in_its_language(client):
    seminar = SeminarFactory(
        enquiries_name_en="Seminar Secretariat",
        enquiries_name_zh_hant="研討會秘書處",
        enquiries_email="ip-seminar@example.gov.hk",
        enquiries_phone="+852 2100 2200",
    )

    english = client.get(seminar.get_absolute_url()).content.decode()
    chinese = client.get(f"/zh-hant/seminars/{seminar.slug}/").content.decode()

    assert "Enquiries</h2>" in english
    assert "Seminar Secretariat" in english
    assert '<a href="mailto:ip-seminar@example.gov.hk">ip-seminar@example.gov.hk</a>' in english
    assert '<a href="tel:+85221002200">+852 2100 2200</a>' in english
    assert "查詢</h2>" in chinese
    assert "研討會秘書處" in chinese


def test_seminar_page_without_a_contact_has_no_enquiries_section(client):
    seminar = SeminarFactory()

    page = client.get(seminar.get_absolute_url()).content.decode()

    assert "enquiries-heading" not in page


def test_demo_seminars_show_whom_to_ask(client):
    demo_load(password="demo-pass-123")
    upcoming = Seminar.objects.filter(starts_at__gt=timezone.now(), format="online").get()

    page = client.get(f"/zh-hant/seminars/{upcoming.slug}/").content.decode()

    assert "知識產權署研討會秘書處" in page
    assert "mailto:ip-seminar@example.gov.hk" in page
    assert all(seminar.enquiries_contact for seminar in Seminar.objects.all())


def test_cancelled_seminar_page_says_so_and_offers_no_registration_or_link_resend(client):
    seminar = SeminarFactory(status="cancelled")

    page = client.get(seminar.get_absolute_url()).content.decode()

    assert page.count("This seminar has been cancelled.") == 1
    assert "Register now" not in page
    assert reverse("registrations:create", kwargs={"slug": seminar.slug}) not in page
    assert reverse("registrations:resend", kwargs={"slug": seminar.slug}) not in page
    assert "webinar.example.com" not in page
