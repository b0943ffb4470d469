"""Registrations › Emails: what was sent, read-only whatever the kind (nobody rewrites what an email
said or where it went), a change notice's changes in words in the organiser's language and in
Hong Kong time, and failed emails sent again by those who may."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from registrations.models import Announcement, Notification
from registrations.permissions import ORGANISERS, groups_ensure
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db
Kind = Notification.Kind

STARTS_AT = timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC)  # 14:30 HKT
WEEK = timedelta(days=7)


@pytest.fixture
def organiser_client(client):
    """An account in the organisers' group, as the product sets them up (not a superuser)."""
    groups_ensure()
    user = get_user_model().objects.create_user("organiser", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    client.force_login(user)
    return client


@pytest.fixture
def notice():
    """A change notice sent: the seminar moved a week later and into another room."""
    seminar = SeminarFactory(
        starts_at=STARTS_AT + WEEK,
        ends_at=STARTS_AT + WEEK + timedelta(hours=2),
        venue_en="Theatre 1",
        venue_zh_hant="演講廳一",
    )
    registration = RegistrationFactory(seminar=seminar)
    return Notification.objects.create(
        registration=registration,
        kind=Kind.SEMINAR_CHANGED,
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        note="Sorry for the short notice.",
        changes={
            "starts_at": [STARTS_AT.isoformat(), (STARTS_AT + WEEK).isoformat()],
            "ends_at": [
                (STARTS_AT + timedelta(hours=2)).isoformat(),
                (STARTS_AT + WEEK + timedelta(hours=2)).isoformat(),
            ],
            "venue": [
                {"en": "Room S421", "zh-hant": "S421室", "zh-hans": ""},
                {"en": "Theatre 1", "zh-hant": "演講廳一", "zh-hans": ""},
            ],
        },
    )


def change_url(notification: Notification) -> str:
    return reverse("admin:registrations_notification_change", args=[notification.pk])


def test_nothing_on_an_emails_page_can_be_edited(organiser_client, notice):
    announcement = Announcement.objects.create(
        seminar=notice.registration.seminar, subject_en="Slides", body_en="Here."
    )
    Notification.objects.filter(pk=notice.pk).update(announcement=announcement)

    page = organiser_client.get(change_url(notice)).content.decode()

    for name in ("announcement", "changes", "note", "recipient", "registration", "status"):
        assert f'name="{name}"' not in page
    assert 'name="_save"' not in page
    assert "Sorry for the short notice." in page  # shown, not editable


def test_posting_to_an_emails_page_changes_nothing(organiser_client, notice):
    response = organiser_client.post(
        change_url(notice), {"note": "Rewritten", "changes": "{}", "announcement": ""}
    )

    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.note == "Sorry for the short notice."
    assert "venue" in notice.changes


def test_a_change_notices_changes_read_in_words_in_hong_kong_time(organiser_client, notice):
    page = organiser_client.get(change_url(notice)).content.decode()

    assert (
        "When: 12 August 2030 (Monday) 14:30–16:30 HKT → 19 August 2030 (Monday) 14:30–16:30 HKT"
        in page
    )
    assert "Venue: Room S421 → Theatre 1" in page
    assert "starts_at" not in page


def test_a_change_notices_changes_read_in_the_organisers_language(organiser_client, notice):
    with translation.override("zh-hant"):
        url = change_url(notice)

    page = organiser_client.get(url).content.decode()

    assert "地點：S421室 → 演講廳一" in page
    assert "2030年8月19日（星期一） 14:30–16:30 HKT" in page


def test_an_organiser_can_still_send_a_failed_email_again(organiser_client, notice):
    Notification.objects.filter(pk=notice.pk).update(status=Notification.Status.FAILED)

    response = organiser_client.post(
        reverse("admin:registrations_notification_changelist"),
        {"action": "retry_failed", "_selected_action": [notice.pk]},
        follow=True,
    )

    assert "1 email queued again." in response.content.decode()
    notice.refresh_from_db()
    assert notice.status != Notification.Status.FAILED
