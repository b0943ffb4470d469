"""Who is told of a change to a seminar, and of what: confirmed and waitlisted registrants hear of
a new time or format; the venue only those in the room, the join link only confirmed registrants
attending online; a cancellation also reaches those awaiting approval. A draft with registrants
tells them like a published seminar; a seminar cancelled already tells nobody of later edits."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from registrations.change_notices import (
    notice_audience_counts,
    seminar_cancellation_notify,
    seminar_change_notify,
    seminar_edit_notify,
)
from registrations.delivery import notification_deliver
from registrations.models import AuditEntry, Notification, Registration
from registrations.seminar_changes import seminar_snapshot
from registrations.services import registration_cancel
from seminar.models import Seminar
from seminar.services import seminar_reschedule
from tests.factories import RegistrationFactory, SeminarFactory

Kind = Notification.Kind
Status = Registration.Status
pytestmark = pytest.mark.django_db

JOIN_URL = "https://webinar.example.com/j/91234567890"
NEW_JOIN_URL = "https://webinar.example.com/j/55500011122"
ROOM = "Room S421, Hong Kong Convention and Exhibition Centre"
NEW_ROOM = "Theatre 1, Hong Kong Central Library"


@pytest.fixture
def organiser():
    return get_user_model().objects.create_user("organiser", password="pw", is_staff=True)


@pytest.fixture
def seminar():
    return SeminarFactory(join_url=JOIN_URL, capacity=10)


@pytest.fixture
def hybrid():
    return SeminarFactory(
        format=Seminar.Format.HYBRID,
        venue_en=ROOM,
        venue_zh_hant="香港會議展覽中心S421室",
        join_url=JOIN_URL,
        capacity=10,
        online_capacity=10,
    )


def everyone(seminar) -> dict[str, Registration]:
    """One registration in each status, named by it."""
    return {
        status: RegistrationFactory(seminar=seminar, status=status, email=f"{status}@example.com")
        for status in Status.values
    }


def edit(seminar: Seminar, **fields) -> dict:
    """Change the seminar as an organiser's save does; returns the snapshot from before."""
    before = seminar_snapshot(seminar=seminar)
    Seminar.objects.filter(pk=seminar.pk).update(updated_at=timezone.now(), **fields)
    seminar.refresh_from_db()
    return before


def moved(seminar: Seminar, **delta) -> dict:
    """The seminar's start and end, both moved by `delta` (timedelta's keywords)."""
    return {
        "starts_at": seminar.starts_at + timedelta(**delta),
        "ends_at": seminar.ends_at + timedelta(**delta),
    }


def told() -> dict[str, dict]:
    """Each change notice queued: the registrant's address and the changes it carries."""
    return dict(
        Notification.objects.filter(kind=Kind.SEMINAR_CHANGED).values_list(
            "registration__email", "changes"
        )
    )


def test_a_new_time_is_told_to_confirmed_and_waitlisted_registrants_only(seminar, organiser):
    everyone(seminar)
    before = seminar_snapshot(seminar=seminar)
    seminar_reschedule(
        seminar=seminar,
        starts_at=seminar.starts_at + timedelta(days=7),
        ends_at=seminar.ends_at + timedelta(days=7),
        move_programme=True,
    )

    outcome = seminar_change_notify(seminar=seminar, before=before, actor=organiser)

    assert sorted(told()) == ["confirmed@example.com", "waitlisted@example.com"]
    assert (outcome.queued, outcome.by_status) == (2, {"confirmed": 1, "waitlisted": 1})
    assert outcome.topics == ["when"]


def test_a_notice_carries_only_the_fields_that_changed(seminar):
    RegistrationFactory(seminar=seminar, email="a@example.com")
    old_end = seminar.ends_at
    before = edit(seminar, ends_at=old_end + timedelta(minutes=30))

    seminar_change_notify(seminar=seminar, before=before, actor=None)

    assert told() == {
        "a@example.com": {
            "ends_at": [
                before["ends_at"],
                (old_end + timedelta(minutes=30)).astimezone(timezone.UTC).isoformat(),
            ]
        }
    }


def test_the_join_link_goes_to_confirmed_registrants_never_to_the_waitlist(seminar):
    everyone(seminar)
    before = edit(seminar, join_url=NEW_JOIN_URL)

    outcome = seminar_change_notify(seminar=seminar, before=before, actor=None)

    assert told() == {"confirmed@example.com": {"join_url": [JOIN_URL, NEW_JOIN_URL]}}
    assert outcome.queued == 1


def test_at_a_hybrid_seminar_the_room_hears_of_the_venue_and_online_of_the_join_link(hybrid):
    for mode in ("in_person", "online"):
        for status in (Status.CONFIRMED, Status.WAITLISTED):
            RegistrationFactory(
                seminar=hybrid, status=status, attendance_mode=mode, email=f"{mode}-{status}@x.hk"
            )
    before = edit(hybrid, venue_en=NEW_ROOM, join_url=NEW_JOIN_URL)

    seminar_change_notify(seminar=hybrid, before=before, actor=None)

    notices = {email: sorted(changes) for email, changes in told().items()}
    assert notices == {
        "in_person-confirmed@x.hk": ["venue"],
        "in_person-waitlisted@x.hk": ["venue"],
        "online-confirmed@x.hk": ["join_url"],
    }


def test_a_registrant_whom_nothing_concerns_gets_nothing(hybrid):
    RegistrationFactory(seminar=hybrid, attendance_mode="online", email="online@x.hk")
    before = edit(hybrid, venue_en=NEW_ROOM)

    outcome = seminar_change_notify(seminar=hybrid, before=before, actor=None)

    assert (told(), outcome.queued) == ({}, 0)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.NOTIFIED).exists()


def test_a_venue_changed_only_in_chinese_concerns_only_those_reading_chinese(hybrid):
    RegistrationFactory(
        seminar=hybrid, attendance_mode="in_person", preferred_language="en", email="en@x.hk"
    )
    RegistrationFactory(
        seminar=hybrid,
        attendance_mode="in_person",
        preferred_language="zh-hant",
        email="hant@x.hk",
    )
    before = edit(hybrid, venue_zh_hant="香港中央圖書館演講廳")

    seminar_change_notify(seminar=hybrid, before=before, actor=None)

    assert list(told()) == ["hant@x.hk"]


def test_the_audit_log_records_the_fields_and_how_many_were_told(seminar, organiser):
    RegistrationFactory.create_batch(3, seminar=seminar)
    before = edit(seminar, **moved(seminar, hours=1), join_url=NEW_JOIN_URL)

    seminar_change_notify(seminar=seminar, before=before, actor=organiser)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.NOTIFIED)
    assert (entry.seminar, entry.registration, entry.actor) == (seminar, None, organiser)
    assert entry.details == {"fields": ["starts_at", "ends_at", "join_url"], "count": 3}


def test_cancelling_tells_confirmed_waitlisted_and_pending_registrants(seminar, organiser):
    everyone(seminar)
    before = edit(seminar, status=Seminar.Status.CANCELLED)

    outcome = seminar_cancellation_notify(seminar=seminar, before=before, actor=organiser)

    addresses = Notification.objects.filter(kind=Kind.SEMINAR_CANCELLED).values_list(
        "registration__email", flat=True
    )
    assert sorted(addresses) == [
        "confirmed@example.com",
        "pending@example.com",
        "waitlisted@example.com",
    ]
    assert outcome.by_status == {"confirmed": 1, "waitlisted": 1, "pending": 1}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.NOTIFIED)
    assert entry.details == {"fields": ["status"], "count": 3}


def test_the_counts_offered_equal_the_notices_queued(seminar):
    everyone(seminar)
    RegistrationFactory.create_batch(4, seminar=seminar)
    counts = notice_audience_counts(seminar=seminar)
    before = edit(seminar, **moved(seminar, days=1))

    changed = seminar_change_notify(seminar=seminar, before=before, actor=None)
    before = edit(seminar, status=Seminar.Status.CANCELLED)
    cancelled = seminar_cancellation_notify(seminar=seminar, before=before, actor=None)

    assert counts == {"change": 6, "cancellation": 7}
    assert (changed.queued, cancelled.queued) == (6, 7)
    assert Notification.objects.filter(kind=Kind.SEMINAR_CHANGED).count() == 6
    assert Notification.objects.filter(kind=Kind.SEMINAR_CANCELLED).count() == 7


def test_anonymised_registrations_are_not_told(seminar):
    registration = RegistrationFactory(seminar=seminar)
    Registration.objects.filter(pk=registration.pk).update(anonymised_at=timezone.now())
    before = edit(seminar, **moved(seminar, days=1))

    assert seminar_change_notify(seminar=seminar, before=before, actor=None).queued == 0


def test_a_change_while_the_seminar_is_a_draft_is_told(seminar):
    everyone(seminar)
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.DRAFT)
    seminar.refresh_from_db()
    before = edit(seminar, **moved(seminar, days=1))

    outcome = seminar_edit_notify(seminar=seminar, before=before, actor=None)

    assert (outcome.kind, outcome.queued) == (Kind.SEMINAR_CHANGED, 2)
    assert sorted(told()) == ["confirmed@example.com", "waitlisted@example.com"]


def test_the_next_notices_before_is_what_the_draft_change_told(seminar):
    """A change made in draft, then another once published: each notice's "Before" is what
    the registrant was last told, not the time from before the draft."""
    RegistrationFactory(seminar=seminar, email="a@example.com")
    first_start = seminar.starts_at
    edit(seminar, status=Seminar.Status.DRAFT)
    seminar_edit_notify(seminar=seminar, before=edit(seminar, **moved(seminar, days=1)), actor=None)
    seminar_edit_notify(
        seminar=seminar,
        before=edit(seminar, status=Seminar.Status.PUBLISHED, **moved(seminar, days=1)),
        actor=None,
    )

    starts = [
        notice.changes["starts_at"]
        for notice in Notification.objects.filter(kind=Kind.SEMINAR_CHANGED).order_by("pk")
    ]
    day = timedelta(days=1)
    assert starts == [
        [first_start.isoformat(), (first_start + day).isoformat()],
        [(first_start + day).isoformat(), (first_start + 2 * day).isoformat()],
    ]


def test_a_change_notice_queued_in_draft_is_sent_while_still_a_draft(seminar):
    RegistrationFactory(seminar=seminar)
    edit(seminar, status=Seminar.Status.DRAFT)
    before = edit(seminar, **moved(seminar, days=1))
    seminar_edit_notify(seminar=seminar, before=before, actor=None)
    notice = Notification.objects.get(kind=Kind.SEMINAR_CHANGED)

    assert notification_deliver(notification_id=notice.pk).status == Notification.Status.SENT


def test_cancelling_a_draft_sends_the_cancellation(seminar):
    everyone(seminar)
    edit(seminar, status=Seminar.Status.DRAFT)
    before = edit(seminar, status=Seminar.Status.CANCELLED)

    outcome = seminar_edit_notify(seminar=seminar, before=before, actor=None)

    assert (outcome.kind, outcome.queued) == (Kind.SEMINAR_CANCELLED, 3)


def test_edits_of_a_cancelled_seminar_tell_nobody(seminar):
    everyone(seminar)
    edit(seminar, status=Seminar.Status.CANCELLED)
    before = edit(seminar, **moved(seminar, days=1))
    uncancelled_before = edit(seminar, status=Seminar.Status.PUBLISHED)

    first = seminar_edit_notify(seminar=seminar, before=before, actor=None)
    second = seminar_edit_notify(seminar=seminar, before=uncancelled_before, actor=None)

    assert (first.kind, second.kind) == (None, None)
    assert not Notification.objects.filter(
        kind__in=(Kind.SEMINAR_CHANGED, Kind.SEMINAR_CANCELLED)
    ).exists()


def test_unticked_nothing_is_queued_and_the_outcome_says_what_was_withheld(seminar):
    everyone(seminar)
    before = edit(seminar, join_url=NEW_JOIN_URL)

    outcome = seminar_edit_notify(seminar=seminar, before=before, actor=None, notify=False)

    assert (outcome.kind, outcome.topics, outcome.withheld) == (
        Kind.SEMINAR_CHANGED,
        ["join_url"],
        True,
    )
    assert Notification.objects.filter(kind=Kind.SEMINAR_CHANGED).count() == 0


def test_unticked_the_audit_log_records_the_change_nobody_was_told_of(seminar, organiser):
    everyone(seminar)
    change_before = edit(seminar, join_url=NEW_JOIN_URL, **moved(seminar, days=1))
    seminar_edit_notify(seminar=seminar, before=change_before, actor=organiser, notify=False)
    cancel_before = edit(seminar, status=Seminar.Status.CANCELLED)
    seminar_edit_notify(seminar=seminar, before=cancel_before, actor=organiser, notify=False)

    entries = AuditEntry.objects.filter(action=AuditEntry.Action.NOTIFIED).order_by("pk")
    assert [entry.details for entry in entries] == [
        {"fields": ["starts_at", "ends_at", "join_url"], "count": 0, "notice": "withheld"},
        {"fields": ["status"], "count": 0, "notice": "withheld"},
    ]
    assert {entry.actor for entry in entries} == {organiser}


def test_unticked_with_nothing_to_tell_records_nothing(seminar):
    everyone(seminar)
    before = edit(seminar, description_en="A fuller description.")

    seminar_edit_notify(seminar=seminar, before=before, actor=None, notify=False)

    assert not AuditEntry.objects.exists()


def test_an_edit_that_cancels_sends_the_cancellation_not_the_changes(seminar):
    everyone(seminar)
    before = edit(
        seminar,
        status=Seminar.Status.CANCELLED,
        **moved(seminar, days=1),
    )

    outcome = seminar_edit_notify(seminar=seminar, before=before, actor=None)

    assert outcome.kind == Kind.SEMINAR_CANCELLED
    assert set(Notification.objects.values_list("kind", flat=True)) == {Kind.SEMINAR_CANCELLED}


def test_a_change_notice_is_not_sent_after_the_registrant_cancelled(seminar):
    registration = RegistrationFactory(seminar=seminar)
    before = edit(seminar, **moved(seminar, days=1))
    seminar_change_notify(seminar=seminar, before=before, actor=None)
    registration_cancel(registration=registration)
    notice = Notification.objects.get(kind=Kind.SEMINAR_CHANGED)

    notice = notification_deliver(notification_id=notice.pk)

    assert notice.status == Notification.Status.SKIPPED
    assert [message.subject for message in mail.outbox if "Change" in message.subject] == []


def test_a_change_notice_is_not_sent_once_the_seminar_is_cancelled(seminar):
    RegistrationFactory(seminar=seminar)
    before = edit(seminar, **moved(seminar, days=1))
    seminar_change_notify(seminar=seminar, before=before, actor=None)
    edit(seminar, status=Seminar.Status.CANCELLED)
    notice = Notification.objects.get(kind=Kind.SEMINAR_CHANGED)

    assert notification_deliver(notification_id=notice.pk).status == Notification.Status.SKIPPED


def test_a_join_link_notice_is_not_sent_to_someone_no_longer_confirmed(hybrid):
    registration = RegistrationFactory(seminar=hybrid, attendance_mode="online")
    before = edit(hybrid, join_url=NEW_JOIN_URL)
    seminar_change_notify(seminar=hybrid, before=before, actor=None)
    # Moved to the online waitlist (as a change of mode to a full mode does).
    Registration.objects.filter(pk=registration.pk).update(
        status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    notice = Notification.objects.get(kind=Kind.SEMINAR_CHANGED)

    assert notification_deliver(notification_id=notice.pk).status == Notification.Status.SKIPPED
    assert mail.outbox == []


def test_a_cancellation_notice_is_not_sent_if_the_seminar_goes_ahead_after_all(seminar):
    RegistrationFactory(seminar=seminar)
    before = edit(seminar, status=Seminar.Status.CANCELLED)
    seminar_cancellation_notify(seminar=seminar, before=before, actor=None)
    edit(seminar, status=Seminar.Status.PUBLISHED)
    notice = Notification.objects.get(kind=Kind.SEMINAR_CANCELLED)

    assert notification_deliver(notification_id=notice.pk).status == Notification.Status.SKIPPED


def test_notices_are_sent_through_the_throttled_outbox(seminar, settings):
    settings.EMAILS_PER_MINUTE = 2
    RegistrationFactory.create_batch(5, seminar=seminar)
    before = edit(seminar, **moved(seminar, days=1))

    seminar_change_notify(seminar=seminar, before=before, actor=None)

    slots = sorted(
        Notification.objects.filter(kind=Kind.SEMINAR_CHANGED).values_list(
            "next_attempt_at", flat=True
        )
    )
    assert len(set(slots)) == 3  # 2 + 2 + 1, a minute apart
    assert slots[-1] - slots[0] == timedelta(minutes=2)


@pytest.mark.parametrize("registrants", [5, 50])
def test_queuing_notices_takes_the_same_queries_however_many_are_told(
    hybrid, registrants, django_assert_num_queries
):
    Seminar.objects.filter(pk=hybrid.pk).update(capacity=None, online_capacity=None)
    for number in range(registrants):
        RegistrationFactory(seminar=hybrid, attendance_mode=("in_person", "online")[number % 2])
    before = edit(hybrid, venue_en=NEW_ROOM, join_url=NEW_JOIN_URL, **moved(hybrid, days=7))

    with django_assert_num_queries(8):
        outcome = seminar_change_notify(seminar=hybrid, before=before, actor=None)

    assert outcome.queued == registrants
