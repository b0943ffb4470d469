import re
from datetime import datetime, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organiser.admin.editions import EDITION_ONE_ONLY, edition_initial, edition_url
from registrations.editions import EDITION_SLUG_TAKEN, EDITION_START_PAST, EDITION_START_TOO_FAR
from registrations.permissions import ORGANISERS, VIEWERS, groups_ensure
from seminar.models import Seminar
from tests.factories import SeminarFactory, SeriesFactory, SessionFactory, SurveyFactory
from tests.hypothesis_budget import examples

pytestmark = pytest.mark.django_db
HKT = timezone.get_default_timezone()
CHANGELIST = "admin:seminar_seminar_changelist"
# A year safely in the future for the new editions posted below.
YEAR = timezone.now().year + 2


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
    starts_at = form.initial["starts_at"]
    assert starts_at > timezone.now()
    assert (starts_at.month, starts_at.day, starts_at.hour, starts_at.minute) == (8, 12, 14, 30)
    assert form.initial["slug"] == f"{starts_at.year}-gd-hk-ip-seminar"


def test_prefilled_start_is_the_first_yearly_date_in_the_future(seminar):
    january_2027 = datetime(2027, 1, 10, tzinfo=HKT)
    september_2027 = datetime(2027, 9, 1, tzinfo=HKT)

    assert edition_initial(seminar, now=january_2027)["starts_at"] == datetime(
        2027, 8, 12, 14, 30, tzinfo=HKT
    )
    assert edition_initial(seminar, now=september_2027) == {
        "starts_at": datetime(2028, 8, 12, 14, 30, tzinfo=HKT),
        "slug": "2028-gd-hk-ip-seminar",
    }


def test_slug_without_a_year_gets_the_new_year_added():
    seminar = Seminar(slug="ip-seminar", starts_at=datetime(2024, 2, 29, 9, tzinfo=HKT))

    initial = edition_initial(seminar, now=datetime(2024, 3, 1, tzinfo=HKT))

    assert initial == {
        "slug": "ip-seminar-2025",
        "starts_at": datetime(2025, 2, 28, 9, tzinfo=HKT),
    }


def test_prefilled_slug_is_a_free_one_after_a_first_copy(seminar):
    SeminarFactory(slug="2027-gd-hk-ip-seminar")
    SeminarFactory(slug="2027-gd-hk-ip-seminar-2")

    initial = edition_initial(seminar, now=datetime(2027, 1, 10, tzinfo=HKT))

    assert initial["slug"] == "2027-gd-hk-ip-seminar-3"


def test_errors_show_next_to_the_fields_with_the_input_kept(organiser_client, seminar):
    SeminarFactory(slug="taken")

    clash = organiser_client.post(
        edition_url(seminar.pk),
        {"starts_at_0": f"{YEAR}-08-20", "starts_at_1": "09:00", "slug": "taken"},
    )
    no_date = organiser_client.post(
        edition_url(seminar.pk), {"starts_at_0": "", "starts_at_1": "", "slug": "fine-slug"}
    )

    assert clash.status_code == 200
    assert clash.context["form"].errors["slug"] == [EDITION_SLUG_TAKEN % {"slug": "taken"}]
    assert f'value="{YEAR}-08-20"' in clash.content.decode()
    assert "starts_at" in no_date.context["form"].errors
    assert 'value="fine-slug"' in no_date.content.decode()
    assert Seminar.objects.count() == 2


def test_success_lands_on_the_draft_copy_with_what_to_review(organiser_client, seminar):
    response = organiser_client.post(
        edition_url(seminar.pk),
        {"starts_at_0": f"{YEAR}-08-20", "starts_at_1": "09:00", "slug": f"{YEAR}-seminar"},
        follow=True,
    )

    copy = Seminar.objects.get(slug=f"{YEAR}-seminar")
    assert response.redirect_chain[-1][0] == reverse("admin:seminar_seminar_change", args=[copy.pk])
    assert copy.status == Seminar.Status.DRAFT
    assert copy.starts_at == datetime(YEAR, 8, 20, 9, 0, tzinfo=HKT)
    assert copy.title_en == f"{YEAR} Seminar"
    message = str(next(iter(response.context["messages"])))
    assert "is a new draft edition" in message
    page = response.content.decode()
    assert "To review before publishing" in page
    assert '<a href="#id_title_en">Check the title' in page
    assert '<a href="#id_join_url">' in page
    assert '<a href="#id_registration_opens_at_0">' in page
    assert 'id="id_registration_opens_at_0"' in page  # the anchor exists
    assert LogEntry.objects.filter(object_id=str(copy.pk)).exists()


def test_review_list_stays_on_the_drafts_page_until_it_is_published(organiser_client, seminar):
    SurveyFactory(seminar=seminar)
    organiser_client.post(
        edition_url(seminar.pk),
        {"starts_at_0": f"{YEAR}-08-20", "starts_at_1": "09:00", "slug": f"{YEAR}-seminar"},
    )
    copy = Seminar.objects.get(slug=f"{YEAR}-seminar")
    change = reverse("admin:seminar_seminar_change", args=[copy.pk])

    reloaded = organiser_client.get(change).content.decode()
    Seminar.objects.filter(pk=copy.pk).update(status=Seminar.Status.PUBLISHED)
    published = organiser_client.get(change).content.decode()
    original = organiser_client.get(
        reverse("admin:seminar_seminar_change", args=[seminar.pk])
    ).content.decode()

    survey_admin = reverse("admin:seminar_seminar_survey", kwargs={"seminar_id": copy.pk})
    assert "To review before publishing" in reloaded
    assert f'<a href="{survey_admin}">Check the feedback survey' in reloaded
    assert "To review before publishing" not in published
    assert "To review before publishing" not in original


@pytest.mark.parametrize(
    ("day", "time", "message"),
    [
        ("2020-08-20", "09:00", EDITION_START_PAST),
        ("9999-12-31", "23:59", EDITION_START_TOO_FAR % {"year": 2100}),
    ],
)
def test_start_in_the_past_or_far_future_is_refused_next_to_it(
    organiser_client, seminar, day, time, message
):
    response = organiser_client.post(
        edition_url(seminar.pk), {"starts_at_0": day, "starts_at_1": time, "slug": "new-one"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"] == [message]
    assert 'value="new-one"' in response.content.decode()
    assert Seminar.objects.count() == 1


def test_upper_case_slug_is_lower_cased(organiser_client, seminar):
    organiser_client.post(
        edition_url(seminar.pk),
        {"starts_at_0": f"{YEAR}-08-20", "starts_at_1": "09:00", "slug": "ABC-2027"},
    )

    copy = Seminar.objects.exclude(pk=seminar.pk).get()
    assert copy.slug == "abc-2027"


def test_seminar_without_series_is_offered_a_new_one(organiser_client, seminar):
    page = organiser_client.get(edition_url(seminar.pk)).content.decode()
    organiser_client.post(
        edition_url(seminar.pk),
        {
            "starts_at_0": f"{YEAR}-08-20",
            "starts_at_1": "09:00",
            "slug": "next",
            "new_series": "on",
        },
    )

    assert "Put both editions in a new series named “Seminar”" in page
    assert re.search(r'<input type="checkbox" name="new_series"[^>]* checked', page)
    copy = Seminar.objects.get(slug="next")
    seminar.refresh_from_db()
    assert copy.series is not None
    assert seminar.series == copy.series
    assert copy.series.name_en == "Seminar"


def test_seminar_in_a_series_is_not_offered_a_new_one(organiser_client, seminar):
    Seminar.objects.filter(pk=seminar.pk).update(series=SeriesFactory())

    page = organiser_client.get(edition_url(seminar.pk)).content.decode()

    assert "new_series" not in page


def test_back_looks_like_the_admins_other_secondary_links(organiser_client, seminar):
    page = organiser_client.get(edition_url(seminar.pk)).content.decode()

    change = reverse("admin:seminar_seminar_change", args=[seminar.pk])
    assert f'<a href="{change}" class="closelink">Back</a>' in page


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_only_get_and_post_are_allowed(organiser_client, seminar, method):
    response = getattr(organiser_client, method)(edition_url(seminar.pk))

    assert response.status_code == 405
    assert Seminar.objects.count() == 1


def test_change_page_has_the_button(organiser_client, seminar):
    response = organiser_client.get(reverse("admin:seminar_seminar_change", args=[seminar.pk]))

    assert edition_url(seminar.pk) in response.content.decode()


def test_viewers_may_not_make_an_edition(client, django_user_model, seminar):
    client.force_login(user_in(django_user_model, VIEWERS, "viewer"))

    page = client.get(edition_url(seminar.pk))
    posted = client.post(
        edition_url(seminar.pk),
        {"starts_at_0": f"{YEAR}-08-20", "starts_at_1": "09:00", "slug": f"{YEAR}-seminar"},
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
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    day=st.one_of(
        st.text(max_size=20), st.dates().map(str)
    ),  # any text, and real dates from year 1 to 9999
    time=st.text(max_size=12),
    slug=st.text(max_size=140),
    new_series=st.sampled_from(["", "on", "x"]),
)
def test_edition_form_never_fails_with_a_server_error(
    organiser_client, seminar, day, time, slug, new_series
):
    response = organiser_client.post(
        edition_url(seminar.pk),
        {"starts_at_0": day, "starts_at_1": time, "slug": slug, "new_series": new_series},
    )

    assert response.status_code in (200, 302)
