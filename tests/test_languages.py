"""Language by URL prefix, the browser's preference on the first visit, and the switcher."""

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import SeminarFactory

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("zh-HK,zh;q=0.9,en;q=0.8", "/zh-hant/"), ("zh-TW", "/zh-hant/"), ("zh-CN,zh", "/zh-hans/")],
)
def test_first_visit_follows_the_browsers_language(client, accept_language, expected):
    seminar = SeminarFactory()

    response = client.get(f"/seminars/{seminar.slug}/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 302
    assert response["Location"] == f"{expected}seminars/{seminar.slug}/"


def test_first_visit_with_an_english_browser_stays_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en")

    assert response.status_code == 200
    assert response.cookies[COOKIE].value == "en"


def test_choosing_english_on_the_switcher_sticks_for_a_chinese_browser(client):
    seminar = SeminarFactory()
    chinese = client.get(f"/zh-hant/seminars/{seminar.slug}/", HTTP_ACCEPT_LANGUAGE="zh-HK")
    switcher_link = f"/seminars/{seminar.slug}/"
    assert f'href="{switcher_link}"' in chinese.content.decode()

    english = client.get(switcher_link, HTTP_ACCEPT_LANGUAGE="zh-HK")

    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert english.cookies[COOKIE].value == "en"


def test_switcher_keeps_the_visitor_on_the_same_page_with_its_query(client):
    seminar = SeminarFactory()

    page = client.get(f"/seminars/{seminar.slug}/register/?utm_source=x").content.decode()

    assert f'href="/zh-hant/seminars/{seminar.slug}/register/?utm_source=x"' in page
    assert f'href="/zh-hans/seminars/{seminar.slug}/register/?utm_source=x"' in page


def test_admin_and_health_check_are_never_redirected(client):
    assert client.get("/healthz", HTTP_ACCEPT_LANGUAGE="zh-HK").status_code == 200
    assert client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-HK").status_code == 200


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("/zh-hant", ["研討會", "即將舉行", "現正接受報名"]),
        ("/zh-hans", ["研讨会", "即将举行", "现正接受报名"]),
        ("", ["Seminars", "Upcoming", "Registration is open"]),
    ],
)
def test_pages_are_in_the_language_of_the_url(client, prefix, expected):
    SeminarFactory()

    page = client.get(f"{prefix}/").content.decode()

    for text in expected:
        assert text in page


def test_chinese_dates_are_formatted_in_chinese_with_the_zone(client):
    seminar = SeminarFactory(
        starts_at=timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC),
        ends_at=timezone.datetime(2030, 8, 12, 9, 0, tzinfo=timezone.UTC),
    )

    page = client.get(f"/zh-hant/seminars/{seminar.slug}/").content.decode()

    assert "2030年8月12日 (星期一) 14:30–17:00 HKT" in page
