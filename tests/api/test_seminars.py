"""GET /api/v1/seminars/ and /api/v1/seminars/{slug}/: public fields for anyone, private ones
for organisers, drafts only for staff who may view seminars."""

from datetime import timedelta

import pytest
from django.utils import timezone

from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db

PRIVATE_FIELDS = {"capacity", "seats_taken", "join_url", "requires_approval", "waitlist_enabled"}


@pytest.fixture
def seminar():
    seminar = SeminarFactory(
        slug="ip-2026",
        title_en="IP for SMEs",
        title_zh_hant="中小企知識產權",
        venue_en="Central Library",
        capacity=3,
        join_url="https://webinar.example.com/j/secret-room",
    )
    RegistrationFactory(seminar=seminar)
    return seminar


@pytest.fixture
def draft():
    return SeminarFactory(slug="draft-2027", status=Seminar.Status.DRAFT)


def test_anyone_reads_a_published_seminar_without_its_private_settings(anonymous_api, seminar):
    response = anonymous_api.get("/api/v1/seminars/ip-2026/")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "ip-2026"
    assert body["title"] == "IP for SMEs"
    assert body["status"] == "published"
    assert body["format"] == "online"
    assert body["availability"] == {
        "state": "open",
        "label": "Registration open",
        "accepts_registrations": True,
        "seats_left": 2,
        "opens_at": body["availability"]["opens_at"],
        "closes_at": body["availability"]["closes_at"],
    }
    assert body["public_url"].endswith("/seminars/ip-2026/")
    assert body["links"]["programme"].endswith("/api/v1/seminars/ip-2026/programme/")
    assert "figures" not in body["links"]
    assert body["private"] is None
    assert "secret-room" not in response.content.decode()


def test_organisers_get_the_private_settings(organiser_api, seminar):
    body = organiser_api.get("/api/v1/seminars/ip-2026/").json()
    assert set(body["private"]) >= PRIVATE_FIELDS
    assert body["private"]["capacity"] == 3
    assert body["private"]["seats_taken"] == 1
    assert body["private"]["join_url"] == "https://webinar.example.com/j/secret-room"
    assert body["links"]["figures"].endswith("/api/v1/seminars/ip-2026/figures/")


@pytest.mark.parametrize("who", ["viewer_api", "door_api"])
def test_other_roles_get_no_private_settings(request, who, seminar):
    body = request.getfixturevalue(who).get("/api/v1/seminars/ip-2026/").json()
    assert body["private"] is None


def test_seats_left_are_hidden_when_the_public_page_hides_them(anonymous_api):
    SeminarFactory(
        slug="soon", registration_opens_at=timezone.now() + timedelta(days=2), capacity=10
    )
    availability = anonymous_api.get("/api/v1/seminars/soon/").json()["availability"]
    assert availability["state"] == "not_yet_open"
    assert availability["accepts_registrations"] is False
    assert availability["seats_left"] is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous_api", 404),
        ("door_api", 404),
        ("viewer_api", 200),
        ("organiser_api", 200),
    ],
)
def test_drafts_are_seen_only_by_staff_who_may_view_seminars(request, draft, who, status):
    client = request.getfixturevalue(who)
    response = client.get("/api/v1/seminars/draft-2027/")
    assert response.status_code == status
    listed = [row["slug"] for row in client.get("/api/v1/seminars/").json()["results"]]
    assert ("draft-2027" in listed) is (status == 200)


def test_a_draft_is_a_json_404_for_the_public(anonymous_api, draft):
    response = anonymous_api.get("/api/v1/seminars/draft-2027/")
    assert response.json()["code"] == "not_found"


def test_no_role_staff_see_what_the_public_sees(no_role, seminar, draft):
    client = client_for(no_role)
    assert client.get("/api/v1/seminars/draft-2027/").status_code == 404
    assert client.get("/api/v1/seminars/ip-2026/").json()["private"] is None


def test_the_list_is_paged_in_the_order_seminars_take_place(anonymous_api):
    now = timezone.now()
    for days in (30, 10, 20):
        SeminarFactory(slug=f"in-{days}", starts_at=now + timedelta(days=days))
    first = anonymous_api.get("/api/v1/seminars/?page_size=2").json()
    assert first["count"] == 3
    assert [row["slug"] for row in first["results"]] == ["in-10", "in-20"]
    second = anonymous_api.get(first["next"]).json()
    assert [row["slug"] for row in second["results"]] == ["in-30"]
    assert second["next"] is None


def test_titles_come_in_the_requested_language_with_english_fallback(organiser, seminar):
    hant = client_for(organiser, language="zh-hant").get("/api/v1/seminars/ip-2026/").json()
    assert hant["title"] == "中小企知識產權"
    assert hant["availability"]["label"] != "Registration open"
    assert "/zh-hant/seminars/ip-2026/" in hant["public_url"]
    hans = client_for(organiser, language="zh-hans").get("/api/v1/seminars/ip-2026/").json()
    assert hans["title"] == "IP for SMEs"  # no Simplified title: the English one
    assert hans["venue"] == "Central Library"


def test_a_hybrid_seminar_shows_each_modes_seats(anonymous_api):
    SeminarFactory(slug="hybrid", format=Seminar.Format.HYBRID, capacity=5, online_capacity=None)
    modes = anonymous_api.get("/api/v1/seminars/hybrid/").json()["modes"]
    assert [(mode["mode"], mode["seats_left"]) for mode in modes] == [
        ("in_person", 5),
        ("online", None),
    ]


def test_the_list_takes_the_same_queries_for_any_number_of_seminars(
    anonymous_api, django_assert_num_queries
):
    SeminarFactory.create_batch(2)
    with django_assert_num_queries(2):  # count + page
        anonymous_api.get("/api/v1/seminars/")
    SeminarFactory.create_batch(8)
    with django_assert_num_queries(2):
        anonymous_api.get("/api/v1/seminars/")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=-1", "page_size"),
        ("page_size=201", "page_size"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
    ],
)
def test_bad_page_parameters_are_400_naming_them(anonymous_api, query, field):
    response = anonymous_api.get(f"/api/v1/seminars/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
