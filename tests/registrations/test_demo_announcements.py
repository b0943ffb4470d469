"""The demo shows announcements at each stage, in three languages, and loads them once."""

import pytest

from registrations.announcements import announcement_check, announcement_progress
from registrations.demo import demo_load
from registrations.models import Announcement, AuditEntry

pytestmark = pytest.mark.django_db

State = Announcement.State


def test_the_demo_has_a_sent_a_scheduled_and_a_draft_announcement_in_three_languages():
    demo_load(password="demo-pass-123")

    announcements = {a.state: a for a in Announcement.objects.all()}

    assert set(announcements) == {State.QUEUED, State.SCHEDULED, State.DRAFT}
    sent = announcements[State.QUEUED]
    progress = announcement_progress(announcement=sent)
    assert progress.failed == 2
    assert progress.sent == sent.recipient_count - 2 > 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ANNOUNCED).count() == 1
    for announcement in announcements.values():
        announcement_check(announcement=announcement)
        for field in ("subject", "body"):
            for language in ("en", "zh_hant", "zh_hans"):
                assert getattr(announcement, f"{field}_{language}")


def test_loading_the_demo_again_adds_no_announcement():
    demo_load(password="demo-pass-123")

    report = demo_load(password="demo-pass-123")

    assert Announcement.objects.count() == 3
    assert "The demo announcements were already loaded; left as they are." in report
