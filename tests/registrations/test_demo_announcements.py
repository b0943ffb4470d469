"""The demo shows announcements at each stage, in three languages, and loads them once."""

import pytest
from django.core import mail

from registrations.announcements import (
    announcement_check,
    announcement_failed_resend,
    announcement_progress,
)
from registrations.delivery import notification_deliver
from registrations.demo import demo_load
from registrations.models import Announcement, AuditEntry, Notification
from registrations.privacy import personal_data_purge

# Every test reads (or loads again) the demo, loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_module")]

State = Announcement.State


def test_the_demo_has_sent_scheduled_and_draft_announcements_in_three_languages():
    announcements = list(Announcement.objects.all())

    assert sorted(a.state for a in announcements) == sorted(
        [State.QUEUED, State.QUEUED, State.SCHEDULED, State.DRAFT]
    )
    slides, joining = sorted(
        (a for a in announcements if a.state == State.QUEUED), key=lambda a: a.seminar.starts_at
    )
    assert announcement_progress(announcement=slides).sent == slides.recipient_count > 200
    progress = announcement_progress(announcement=joining)
    assert progress.failed == 2
    assert progress.sent == joining.recipient_count - 2 > 0
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ANNOUNCED).count() == 2
    for announcement in announcements:
        announcement_check(announcement=announcement)
        for field in ("subject", "body"):
            for language in ("en", "zh_hant", "zh_hans"):
                assert getattr(announcement, f"{field}_{language}")


def test_no_demo_message_greets_under_the_emails_own_greeting():
    openings = [
        getattr(announcement, f"body_{language}").split("\n")[0]
        for announcement in Announcement.objects.all()
        for language in ("en", "zh_hant", "zh_hans")
    ]

    greetings = ("Dear", "Hello", "各位", "親愛的", "亲爱的", "你好", "您好")
    assert [opening for opening in openings if opening.startswith(greetings)] == []


def test_the_demos_failed_emails_really_go_when_sent_again_after_the_purge():
    personal_data_purge()  # as the scheduler does every day under `make run`
    failed = Notification.objects.filter(status=Notification.Status.FAILED)
    [announcement] = Announcement.objects.filter(notifications__in=failed).distinct()

    resent = announcement_failed_resend(announcement=announcement)
    for notification in Notification.objects.filter(
        announcement=announcement, status=Notification.Status.PENDING
    ):
        notification_deliver(notification_id=notification.pk)

    assert resent == 2
    assert len(mail.outbox) == 2
    progress = announcement_progress(announcement=announcement)
    assert (progress.failed, progress.not_sent) == (0, 0)


def test_loading_the_demo_again_adds_no_announcement():
    report = demo_load(password="demo-pass-123")

    assert Announcement.objects.count() == 4
    assert "The demo announcements were already loaded; left as they are." in report
