from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from seminar.models import Seminar
from seminar.selectors import edition_previous, series_newer_edition, series_past_editions
from tests.factories import SeminarFactory, SeriesFactory

pytestmark = pytest.mark.django_db
HKT = timezone.get_default_timezone()


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def edition(series, year: int, **fields) -> Seminar:
    start = datetime(year, 8, 12, 14, 30, tzinfo=HKT)
    return SeminarFactory(
        series=series,
        slug=f"{year}-ip-seminar",
        title_en=f"{year} IP Seminar",
        title_zh_hant=f"{year}知識產權研討會",
        title_zh_hans=f"{year}知识产权研讨会",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        registration_opens_at=start - timedelta(days=30),
        **fields,
    )


@pytest.fixture
def series():
    """2023 and 2025 happened, 2024 was cancelled, 2026 is upcoming, 2027 is a draft."""
    series = SeriesFactory(name_en="Guangdong/Hong Kong Seminar on IP")
    editions = {year: edition(series, year) for year in (2023, 2025, 2026)}
    editions[2024] = edition(series, 2024, status=Seminar.Status.CANCELLED)
    editions[2027] = edition(series, 2027, status=Seminar.Status.DRAFT)
    series.by_year = editions
    return series


def test_selectors_pick_published_editions_around_this_one(series):
    newest, last = series.by_year[2026], series.by_year[2025]

    assert series_past_editions(seminar=newest) == [last, series.by_year[2023]]
    assert series_newer_edition(seminar=newest) is None
    assert series_newer_edition(seminar=series.by_year[2023]) == newest
    assert edition_previous(seminar=newest) == last
    assert edition_previous(seminar=series.by_year[2023]) is None
    assert series_past_editions(seminar=SeminarFactory()) == []


@pytest.mark.parametrize(
    ("prefix", "heading", "title"),
    [
        ("", "Past editions", "2025 IP Seminar"),
        ("/zh-hant", "往屆", "2025知識產權研討會"),
        ("/zh-hans", "往届", "2025知识产权研讨会"),
    ],
)
def test_newest_edition_lists_past_ones_in_the_pages_language(
    client, series, prefix, heading, title
):
    page = client.get(f"{prefix}/seminars/2026-ip-seminar/").content.decode()

    assert heading in page
    assert f'<a href="{prefix}/seminars/2025-ip-seminar/">{title}</a>' in page
    assert f'href="{prefix}/seminars/2023-ip-seminar/"' in page
    assert "2024-ip-seminar" not in page  # cancelled
    assert "2027-ip-seminar" not in page  # draft
    assert page.index("2025-ip-seminar") < page.index("2023-ip-seminar")


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", "A newer edition is on 12 August 2026 (Wednesday)."),
        ("/zh-hant", "新一屆於2026年8月12日（星期三）舉行。"),
        ("/zh-hans", "新一届于2026年8月12日（星期三）举行。"),
    ],
)
def test_older_edition_points_to_the_newest(client, series, prefix, words):
    page = client.get(f"{prefix}/seminars/2023-ip-seminar/").content.decode()

    assert f'<a href="{prefix}/seminars/2026-ip-seminar/">{words}</a>' in page
    with translation.override("en"):
        assert "Past editions" not in page


def test_edition_pages_query_counts(client, series, django_assert_num_queries):
    alone = SeminarFactory()
    upcoming = edition(series, timezone.now().year + 2)

    with django_assert_num_queries(3) as alone_queries:  # no series: nothing more than before
        client.get(alone.get_absolute_url())
    with django_assert_num_queries(len(alone_queries) + 2):  # a newer edition? the past ones
        client.get(series.by_year[2023].get_absolute_url())
    with django_assert_num_queries(len(alone_queries) + 1):  # upcoming: the past ones only
        client.get(upcoming.get_absolute_url())


@pytest.fixture
def this_year(series):
    """The series' next edition, still to come and open for registration."""
    seminar = edition(series, timezone.now().year + 2)
    Seminar.objects.filter(pk=seminar.pk).update(registration_opens_at=None)
    return seminar


def test_open_edition_keeps_its_register_box_and_its_past_list(client, series, this_year):
    newer = edition(series, this_year.starts_at.year + 1)

    page = client.get(this_year.get_absolute_url()).content.decode()

    assert "A newer edition" not in page
    assert newer.slug not in page
    assert "Register now" in page
    assert "Past editions" in page
    assert 'href="/seminars/2025-ip-seminar/"' in page


def test_past_editions_are_only_those_before_this_one(client, series, this_year):
    page = client.get("/seminars/2023-ip-seminar/").content.decode()

    assert "Past editions" not in page  # nothing published and over before 2023
    assert f'href="{this_year.get_absolute_url()}"' in page  # the newer-edition pointer


def test_year_is_not_said_twice_when_the_title_has_it(client, series):
    Seminar.objects.filter(pk=series.by_year[2023].pk).update(title_en="IP Seminar")

    page = client.get("/seminars/2026-ip-seminar/").content.decode()

    assert '<li><a href="/seminars/2025-ip-seminar/">2025 IP Seminar</a></li>' in page
    assert (
        '<li><span class="text-body-secondary">2023</span> '
        '<a href="/seminars/2023-ip-seminar/">IP Seminar</a></li>'
    ) in page
