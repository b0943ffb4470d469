"""The demo's series: the upcoming reference seminar shows past editions and compares its
figures with last year's edition, whose registrations name nobody."""

import pytest
from django.utils import timezone

from registrations.demo_editions import LAST_YEAR_PEOPLE
from registrations.models import Registration
from seminar.models import Seminar
from seminar.selectors import edition_previous, series_past_editions
from tests.registrations.test_demo import load_demo

# Every test reads (or loads again) the demo, loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_module")]


def test_demo_series_has_last_years_edition_with_anonymous_figures(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0

    upcoming = Seminar.objects.get(
        slug__endswith="-gd-hk-ip-sme-seminar-online", ends_at__gt=timezone.now()
    )
    last = edition_previous(seminar=upcoming)
    assert last.status == Seminar.Status.PUBLISHED
    assert 360 <= (timezone.now() - last.ends_at).days <= 366
    assert last.series.name_zh_hant == "粵港知識產權研討會"
    assert series_past_editions(seminar=upcoming)[-1].slug == "2022-gd-hk-ip-sme-seminar"
    people = last.registrations
    assert people.filter(status=Registration.Status.CONFIRMED).count() == LAST_YEAR_PEOPLE
    assert not people.filter(anonymised_at__isnull=True).exists()
    assert set(people.values_list("name_en", flat=True)) == {""}
    assert people.filter(attended=True).count() > LAST_YEAR_PEOPLE // 2
    page = client.get(f"/zh-hans{upcoming.get_absolute_url()}").content.decode()
    assert "往届" in page and last.title_zh_hans in page


def test_loading_the_demo_twice_adds_no_second_edition():
    report = load_demo()

    assert "was already loaded" in report
    assert Seminar.objects.filter(series__isnull=False).count() == 3
