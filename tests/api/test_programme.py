"""GET /api/v1/seminars/{slug}/programme/: sessions in order with speakers, and partners."""

from datetime import timedelta

import pytest

from seminar.models import SeminarPartner, Session, SessionSpeaker
from tests.factories import (
    OrganisationFactory,
    SeminarFactory,
    SeminarPartnerFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
)

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def seminar():
    seminar = SeminarFactory(slug="ip-2026")
    start = seminar.starts_at
    SessionFactory(
        seminar=seminar,
        title_en="Panel",
        title_zh_hant="專題討論",
        kind=Session.Kind.PANEL,
        starts_at=start + timedelta(minutes=30),
    )
    opening = SessionFactory(
        seminar=seminar, title_en="Opening", kind=Session.Kind.OPENING, starts_at=start
    )
    office = OrganisationFactory(name_en="Intellectual Property Department", short_name_en="IPD")
    speaker = SpeakerFactory(name_en="CHAN Tai Man", name_zh="陳大文", organisation=office)
    SessionSpeakerFactory(session=opening, speaker=speaker, role=SessionSpeaker.Role.MODERATOR)
    SeminarPartnerFactory(
        seminar=seminar, organisation=office, role=SeminarPartner.Role.ORGANISER, order=0
    )
    SeminarPartnerFactory(seminar=seminar, role=SeminarPartner.Role.SUPPORTER, order=1)
    return seminar


def test_sessions_come_in_order_with_their_speakers(anonymous_api, seminar):
    body = anonymous_api.get("/api/v1/seminars/ip-2026/programme/").json()
    assert body["seminar"] == "ip-2026"
    assert [(s["title"], s["kind"]) for s in body["sessions"]] == [
        ("Opening", "opening"),
        ("Panel", "panel"),
    ]
    (speaker,) = body["sessions"][0]["speakers"]
    assert speaker["name_en"] == "CHAN Tai Man"
    assert speaker["name_zh"] == "陳大文"
    assert speaker["role"] == "moderator"
    assert speaker["organisation"]["short_name"] == "IPD"
    assert body["sessions"][0]["starts_at"] < body["sessions"][1]["starts_at"]


def test_partners_come_with_their_roles_in_order(anonymous_api, seminar):
    partners = anonymous_api.get("/api/v1/seminars/ip-2026/programme/").json()["partners"]
    assert [(p["role"], p["role_label"]) for p in partners] == [
        ("organiser", "Organiser"),
        ("supporter", "Supporting organisation"),
    ]
    assert partners[0]["organisation"]["name"] == "Intellectual Property Department"


def test_the_programme_speaks_the_requested_language(organiser, seminar):
    body = client_for(organiser, language="zh-hant").get("/api/v1/seminars/ip-2026/programme/")
    sessions = body.json()["sessions"]
    assert sessions[1]["title"] == "專題討論"
    assert sessions[0]["title"] == "Opening"  # nothing in Chinese: the English
    assert sessions[1]["kind_label"] != "Panel discussion"


def test_a_drafts_programme_is_hidden_from_the_public(anonymous_api, viewer_api):
    SeminarFactory(slug="draft", status="draft")
    assert anonymous_api.get("/api/v1/seminars/draft/programme/").status_code == 404
    assert viewer_api.get("/api/v1/seminars/draft/programme/").status_code == 200


def test_the_programme_takes_the_same_queries_however_long(
    anonymous_api, seminar, django_assert_num_queries
):
    with django_assert_num_queries(4):  # seminar, sessions, their speakers, partners
        anonymous_api.get("/api/v1/seminars/ip-2026/programme/")
    for _ in range(3):
        SessionSpeakerFactory(session=SessionFactory(seminar=seminar))
    with django_assert_num_queries(4):
        anonymous_api.get("/api/v1/seminars/ip-2026/programme/")
