from datetime import datetime, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organiser.admin.editions import EDITION_ONE_ONLY, edition_initial, edition_url
from registrations.editions import EDITION_SLUG_TAKEN
from registrations.permissions import ORGANISERS, VIEWERS, groups_ensure
from seminar.models import Seminar
from tests.factories import SeminarFactory, SeriesFactory, SessionFactory

pytestmark = pytest.mark.django_db
HKT = timezone.get_default_timezone()
CHANGELIST = "admin:seminar_seminar_changelist"


def user_in(django_user_model, group: str, name: str):
    groups_ensure()
    user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def organiser_client(client, django_user_model):
    client.force_login(user_in(django_user_model, ORGANISERS, "mei.ling"))
    return client


@pytest.fixture
def seminar():
    start = datetime(2025, 8, 12, 14, 30, tzinfo=HKT)
    seminar = SeminarFactory(
        slug="2025-gd-hk-ip-seminar",
        title_en="2025 Seminar",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        registration_opens_at=start - timedelta(days=30),
    )
    SessionFactory(seminar=seminar, title_en="Opening")
    return seminar


def action_post(client, seminars):
    return client.post(
        reverse(CHANGELIST),
        {"action": "edition_new", "_selected_action": [s.pk for s in seminars], "index": "0"},
        follow=True,
    )


def test_action_with_none_or_two_selected_says_to_choose_one(organiser_client, seminar):
    other = SeminarFactory()

    two = action_post(organiser_client, [seminar, other])
    none = action_post(organiser_client, [])

    assert str(EDITION_ONE_ONLY) in [str(m) for m in two.context["messages"]]
    # With nothing selected Django itself asks for a selection; either way nothing is made.
    assert none.status_code == 200
    assert Seminar.objects.count() == 2


def test_action_with_one_selected_opens_the_prefilled_page(organiser_client, seminar):
    response = action_post(organiser_client, [seminar])

    assert response.redirect_chain[-1][0] == edition_url(seminar.pk)
    form = response.context["form"]
    assert form.initial["slug"] == "2026-gd-hk-ip-seminar"
    assert form.initial["starts_at"] == datetime(2026, 8, 12, 14, 30, tzinfo=HKT)


def test_slug_without_a_year_gets_the_new_year_added():
    seminar = Seminar(slug="ip-seminar", starts_at=datetime(2024, 2, 29, 9, tzinfo=HKT))

    initial = edition_initial(seminar)

    assert initial == {
        "slug": "ip-seminar-2025",
        "starts_at": datetime(2025, 2, 28, 9, tzinfo=HKT),
    }


def test_errors_show_next_to_the_fields_with_the_input_kept(organiser_client, seminar):
    SeminarFactory(slug="taken")

    clash = organiser_client.post(
        edition_url(seminar.pk),
        {"starts_at_0": "2026-08-20", "starts_at_1": "09:00", "slug": "taken"},
    )
    no_date = organiser_client.post(
        edition_url(seminar.pk), {"starts_at_0": "", "starts_at_1": "", "slug": "fine-slug"}
    )

    assert clash.status_code == 200
    assert clash.context["form"].errors["slug"] == [EDITION_SLUG_TAKEN % {"slug": "taken"}]
    assert 'value="2026-08-20"' in clash.content.decode()
    assert "starts_at" in no_date.context["form"].errors
    assert 'value="fine-slug"' in no_date.content.decode()
    assert Seminar.objects.count() == 2


def test_success_lands_on_the_draft_copy_with_what_to_review(organiser_client, seminar):
    response = organiser_client.post(
        edition_url(seminar.pk),
        {"starts_at_0": "2026-08-20", "starts_at_1": "09:00", "slug": "2026-seminar"},
        follow=True,
    )

    copy = Seminar.objects.get(slug="2026-seminar")
    assert response.redirect_chain[-1][0] == reverse("admin:seminar_seminar_change", args=[copy.pk])
    assert copy.status == Seminar.Status.DRAFT
    assert copy.starts_at == datetime(2026, 8, 20, 9, 0, tzinfo=HKT)
    message = str(next(iter(response.context["messages"])))
    assert "<ul>" in message
    assert '<a href="#id_join_url">' in message
    assert LogEntry.objects.filter(object_id=str(copy.pk)).exists()


def test_change_page_has_the_button(organiser_client, seminar):
    response = organiser_client.get(reverse("admin:seminar_seminar_change", args=[seminar.pk]))

    assert edition_url(seminar.pk) in response.content.decode()


def test_viewers_may_not_make_an_edition(client, django_user_model, seminar):
    client.force_login(user_in(django_user_model, VIEWERS, "viewer"))

    page = client.get(edition_url(seminar.pk))
    posted = client.post(
        edition_url(seminar.pk),
        {"starts_at_0": "2026-08-20", "starts_at_1": "09:00", "slug": "2026-seminar"},
    )
    change = client.get(reverse("admin:seminar_seminar_change", args=[seminar.pk]))

    assert (page.status_code, posted.status_code) == (403, 403)
    assert edition_url(seminar.pk) not in change.content.decode()
    assert Seminar.objects.count() == 1


def test_series_page_lists_its_editions(organiser_client, seminar):
    series = SeriesFactory(name_en="Guangdong/Hong Kong Seminar on IP")
    Seminar.objects.filter(pk=seminar.pk).update(series=series)

    response = organiser_client.get(reverse("admin:seminar_series_change", args=[series.pk]))

    page = response.content.decode()
    assert "2025 Seminar" in page
    assert "12 August 2025" in page


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    day=st.text(max_size=20),
    time=st.text(max_size=12),
    slug=st.text(max_size=140),
)
def test_edition_form_never_fails_with_a_server_error(organiser_client, seminar, day, time, slug):
    response = organiser_client.post(
        edition_url(seminar.pk), {"starts_at_0": day, "starts_at_1": time, "slug": slug}
    )

    assert response.status_code in (200, 302)
