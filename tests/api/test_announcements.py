"""GET /api/v1/seminars/{slug}/announcements/: announcements with their delivery state."""

import pytest
from django.utils import timezone

from registrations.models import Announcement, Notification
from tests.factories import AnnouncementFactory, RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/seminars/ip-2026/announcements/"
Status = Notification.Status


@pytest.fixture
def announcement():
    seminar = SeminarFactory(slug="ip-2026")
    announcement = AnnouncementFactory(
        seminar=seminar,
        subject_en="Slides are online",
        subject_zh_hant="簡報已上載",
        state=Announcement.State.QUEUED,
        queued_at=timezone.now(),
        recipient_count=5,
    )
    for status in [Status.SENT, Status.SENT, Status.FAILED, Status.PENDING, Status.SKIPPED]:
        Notification.objects.create(
            registration=RegistrationFactory(seminar=seminar),
            kind=Notification.Kind.ANNOUNCEMENT,
            announcement=announcement,
            status=status,
        )
    # A test sent to an organiser is not part of the delivery.
    Notification.objects.create(
        registration=RegistrationFactory(seminar=seminar),
        kind=Notification.Kind.ANNOUNCEMENT,
        announcement=announcement,
        recipient="organiser@dept.example",
        status=Status.SENT,
    )
    return announcement


def test_announcements_come_with_their_delivery_counts(viewer_api, announcement):
    AnnouncementFactory(seminar=announcement.seminar, subject_en="Draft")
    body = viewer_api.get(URL).json()
    assert [row["subject"] for row in body] == ["Draft", "Slides are online"]
    sent = body[1]
    assert sent["state"] == "queued"
    assert sent["recipient_count"] == 5
    assert sent["delivery"] == {"queued": 1, "sent": 2, "failed": 1, "not_sent": 1}
    assert body[0]["delivery"] == {"queued": 0, "sent": 0, "failed": 0, "not_sent": 0}


def test_subjects_come_in_the_requested_language(viewer_api, announcement):
    body = viewer_api.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hant").json()
    assert body[0]["subject"] == "簡報已上載"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous_api", 401), ("door_api", 403), ("viewer_api", 200), ("organiser_api", 200)],
)
def test_only_viewers_and_organisers_read_announcements(request, announcement, who, status):
    response = request.getfixturevalue(who).get(URL)
    assert response.status_code == status


def test_an_unknown_seminar_is_404(viewer_api):
    assert viewer_api.get("/api/v1/seminars/nope/announcements/").json()["code"] == "not_found"


def test_the_list_is_one_query_however_many(viewer_api, announcement, django_assert_num_queries):
    viewer_api.get(URL)  # the token's first use writes last_used_at
    # token, user permissions (two), seminar, announcements with their counts
    with django_assert_num_queries(5):
        viewer_api.get(URL)
    AnnouncementFactory.create_batch(3, seminar=announcement.seminar)
    with django_assert_num_queries(5):
        viewer_api.get(URL)
