"""The demo shows a change notice as a newcomer would find it: the hybrid workshop postponed by a
week into a new room, its registrants told in the outbox, each of what concerns them, and the
change in the audit log; and loading the demo again changes nothing more."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registrations.demo_notices import NEW_VENUE, POSTPONED_BY
from registrations.emails import message_build
from registrations.models import AuditEntry, Notification
from seminar.models import Seminar

Kind = Notification.Kind
pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", password="demo-pass-123", stdout=out)
    return out.getvalue()


def test_the_demo_has_a_postponed_seminar_with_its_notices_in_the_outbox(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        output = load_demo()

    hybrid = Seminar.objects.get(format=Seminar.Format.HYBRID, ends_at__gt=timezone.now())
    notices = Notification.objects.filter(registration__seminar=hybrid, kind=Kind.SEMINAR_CHANGED)
    told = hybrid.registrations.filter(status__in=("confirmed", "waitlisted")).count()
    assert notices.count() == told > 0
    assert set(notices.values_list("status", flat=True)) == {Notification.Status.SENT}
    assert mail.outbox == []  # synthetic people get no mail
    assert f"{told} change notices in the outbox" in output
    assert hybrid.venue_en == NEW_VENUE["en"]
    room = notices.filter(
        registration__attendance_mode="in_person", registration__preferred_language="en"
    ).first()
    online = notices.filter(registration__attendance_mode="online").first()
    assert sorted(room.changes) == ["ends_at", "starts_at", "venue"]
    assert sorted(online.changes) == ["ends_at", "starts_at"]
    entry = hybrid.audit_entries.get(action=AuditEntry.Action.NOTIFIED)
    assert entry.details["count"] == told
    assert entry.actor.username == "organiser"
    body = message_build(notification=room).body
    assert "Typhoon signal No. 8" in body
    assert NEW_VENUE["en"] in body


def test_loading_the_demo_again_postpones_nothing_more():
    load_demo()
    hybrid = Seminar.objects.get(format=Seminar.Format.HYBRID, ends_at__gt=timezone.now())
    starts_at, notices = hybrid.starts_at, Notification.objects.count()

    load_demo()

    hybrid.refresh_from_db()
    assert (hybrid.starts_at, Notification.objects.count()) == (starts_at, notices)
    assert POSTPONED_BY.days == 7
