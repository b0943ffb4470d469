"""Announcements through their life: checked, scheduled, queued once whoever clicks or schedules,
tested on an organiser, delivered only while still true, resent, and counted."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registrations.announcements import (
    SCHEDULER,
    SEND_AT_PAST,
    SEND_AT_TOO_FAR,
    TEST_AFTER_SENT,
    TEST_NO_ADDRESS,
    AnnouncementAlreadyQueued,
    announcement_check,
    announcement_failed_resend,
    announcement_progress,
    announcement_queue,
    announcement_schedule,
    announcement_test_send,
    announcement_unschedule,
    announcement_update,
    announcements_dispatch_due,
    announcements_with_progress,
)
from registrations.delivery import notification_deliver
from registrations.errors import RegistrationError
from registrations.models import Announcement, AuditEntry, Notification, Registration
from registrations.placeholders import JOIN_LINK_REFUSED
from registrations.services import registration_cancel
from registrations.unsubscribe import news_unsubscribe
from seminar.models import Seminar
from tests.factories import AnnouncementFactory, RegistrationFactory, SeminarFactory
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db

State = Announcement.State
Status = Registration.Status
NotificationStatus = Notification.Status


def deliver_all(announcement: Announcement) -> dict[str, str]:
    """Deliver every row; what became of each, by address."""
    outcome = {}
    for notification in Notification.objects.filter(announcement=announcement, recipient=""):
        delivered = notification_deliver(notification_id=notification.pk)
        outcome[delivered.registration.email] = delivered.status
    return outcome


def test_queuing_writes_one_row_per_recipient_counts_them_and_logs_it(django_user_model):
    organiser = django_user_model.objects.create_user("ann", is_staff=True)
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(3, seminar=seminar)
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    announcement = AnnouncementFactory(seminar=seminar)

    count = announcement_queue(announcement=announcement, actor=organiser)

    announcement.refresh_from_db()
    assert count == announcement.recipient_count == 3
    assert announcement.state == State.QUEUED
    assert announcement.queued_at is not None
    assert Notification.objects.filter(announcement=announcement).count() == 3
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ANNOUNCED)
    assert entry.seminar == seminar
    assert entry.actor_label == "ann"
    assert entry.details == {
        "announcement": announcement.pk,
        "subject": announcement.subject_en,
        "audience": "Status: Confirmed",
        "recipients": 3,
    }


def test_a_second_click_is_refused_and_sends_nothing_more():
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(2, seminar=seminar)
    announcement = AnnouncementFactory(seminar=seminar)
    announcement_queue(announcement=announcement, actor=None)
    stale_copy = Announcement.objects.get(pk=announcement.pk)
    stale_copy.state = State.DRAFT  # as a page opened before the first click still says

    with pytest.raises(AnnouncementAlreadyQueued):
        announcement_queue(announcement=stale_copy, actor=None)

    assert Notification.objects.filter(announcement=announcement).count() == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ANNOUNCED).count() == 1


def test_a_refused_audience_leaves_the_announcement_a_draft():
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar)
    announcement = AnnouncementFactory(seminar=seminar, audience={"statuses": ["invented"]})

    with pytest.raises(RegistrationError):
        announcement_queue(announcement=announcement, actor=None)

    announcement.refresh_from_db()
    assert announcement.state == State.DRAFT
    assert not Notification.objects.exists()


def test_the_join_link_is_refused_unless_the_audience_is_confirmed_registrants_only():
    announcement = AnnouncementFactory(
        body_zh_hant="網上連結：{join_link}", audience={"statuses": ["confirmed", "waitlisted"]}
    )

    with pytest.raises(RegistrationError) as refused:
        announcement_check(announcement=announcement)

    assert refused.value.message == str(JOIN_LINK_REFUSED)
    assert refused.value.field == "body_zh_hant"
    announcement.audience = {"statuses": ["confirmed"]}
    announcement_check(announcement=announcement)


def test_the_join_link_never_reaches_a_registrant_no_longer_confirmed():
    seminar = SeminarFactory(join_url="https://meet.example.com/j/secret")
    staying = RegistrationFactory(seminar=seminar, email="staying@example.com")
    leaving = RegistrationFactory(seminar=seminar, email="leaving@example.com")
    declined = RegistrationFactory(seminar=seminar, email="declined@example.com")
    announcement = AnnouncementFactory(seminar=seminar, body_en="Join at {join_link}")
    announcement_queue(announcement=announcement, actor=None)
    registration_cancel(registration=leaving)
    Registration.objects.filter(pk=declined.pk).update(status=Status.DECLINED)

    outcome = deliver_all(announcement)

    assert outcome == {
        staying.email: NotificationStatus.SENT,
        leaving.email: NotificationStatus.SKIPPED,
        declined.email: NotificationStatus.SKIPPED,
    }
    [message] = [m for m in mail.outbox if f"/j/{staying.join_token}/" in m.body]
    assert message.to == [staying.email]
    assert all("/j/" not in m.body for m in mail.outbox if m.to != [staying.email])
    assert all("secret" not in m.body for m in mail.outbox)


def test_a_message_without_the_join_link_still_reaches_who_has_left_since():
    seminar = SeminarFactory()
    leaving = RegistrationFactory(seminar=seminar)
    announcement = AnnouncementFactory(seminar=seminar, body_en="Slides are online.")
    announcement_queue(announcement=announcement, actor=None)
    registration_cancel(registration=leaving)

    assert deliver_all(announcement) == {leaving.email: NotificationStatus.SENT}


def test_at_a_hybrid_seminar_those_in_the_room_get_no_join_link():
    seminar = SeminarFactory(
        format=Seminar.Format.HYBRID, online_capacity=10, join_url="https://meet.example.com/j/x"
    )
    RegistrationFactory(seminar=seminar, attendance_mode="in_person", email="room@example.com")
    on_line = RegistrationFactory(
        seminar=seminar, attendance_mode="online", email="online@example.com"
    )
    announcement = AnnouncementFactory(seminar=seminar, body_en="Link: {join_link}")
    announcement_queue(announcement=announcement, actor=None)

    deliver_all(announcement)

    bodies = {message.to[0]: message.body for message in mail.outbox}
    personal = f"Link: http://testserver-site/j/{on_line.join_token}/"
    assert personal in bodies["online@example.com"]
    assert "meet.example.com" not in bodies["online@example.com"]
    assert "meet.example.com" not in bodies["room@example.com"]
    assert "Link: (no join link: you attend in the room)" in bodies["room@example.com"]


def test_news_is_not_sent_to_whoever_unsubscribed_after_it_was_queued():
    seminar = SeminarFactory()
    keen = RegistrationFactory(seminar=seminar, news_opt_in=True)
    changed_mind = RegistrationFactory(seminar=seminar, news_opt_in=True)
    announcement = AnnouncementFactory(
        seminar=seminar, purpose=Announcement.Purpose.NEWS, audience={}
    )
    announcement_queue(announcement=announcement, actor=None)
    news_unsubscribe(registration=changed_mind)

    assert deliver_all(announcement) == {
        keen.email: NotificationStatus.SENT,
        changed_mind.email: NotificationStatus.SKIPPED,
    }


def test_nothing_goes_to_a_registrant_whose_data_was_removed_meanwhile():
    registration = RegistrationFactory()
    announcement = AnnouncementFactory(seminar=registration.seminar)
    announcement_queue(announcement=announcement, actor=None)
    Registration.objects.filter(pk=registration.pk).update(anonymised_at=timezone.now())

    assert deliver_all(announcement) == {registration.email: NotificationStatus.SKIPPED}


def test_an_edit_saved_after_the_scheduler_queued_it_changes_nothing():
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar)
    announcement = AnnouncementFactory(seminar=seminar, subject_en="As sent")
    opened = Announcement.objects.get(pk=announcement.pk)  # the organiser's page
    announcement_queue(announcement=announcement, actor=None)
    opened.subject_en = "Changed afterwards"

    with pytest.raises(AnnouncementAlreadyQueued):
        announcement_update(announcement=opened)

    announcement.refresh_from_db()
    assert (announcement.subject_en, announcement.state) == ("As sent", State.QUEUED)


def test_an_edit_keeps_the_schedule_it_did_not_touch():
    now = timezone.now()
    announcement = AnnouncementFactory()
    opened = Announcement.objects.get(pk=announcement.pk)  # loaded as a draft
    announcement_schedule(announcement=announcement, send_at=now + timedelta(hours=1), now=now)
    opened.subject_en = "Better words"

    announcement_update(announcement=opened)

    announcement.refresh_from_db()
    assert (announcement.subject_en, announcement.state) == ("Better words", State.SCHEDULED)


def test_schedule_unschedule_and_the_time_must_be_ahead():
    announcement = AnnouncementFactory()
    now = timezone.now()

    with pytest.raises(RegistrationError) as refused:
        announcement_schedule(announcement=announcement, send_at=now - timedelta(minutes=1))
    assert refused.value.message == SEND_AT_PAST
    announcement_schedule(announcement=announcement, send_at=now + timedelta(hours=2))
    assert announcement.state == State.SCHEDULED
    announcement_unschedule(announcement=announcement)
    assert announcement.state == State.DRAFT


def test_a_time_more_than_two_years_ahead_is_refused():
    announcement = AnnouncementFactory()
    now = timezone.now()

    with pytest.raises(RegistrationError) as refused:
        announcement_schedule(announcement=announcement, send_at=now + timedelta(days=731), now=now)

    assert refused.value.message == SEND_AT_TOO_FAR
    assert refused.value.field == "send_at"
    announcement_schedule(announcement=announcement, send_at=now + timedelta(days=729), now=now)
    assert announcement.state == State.SCHEDULED


def test_a_message_longer_than_twenty_thousand_characters_is_refused():
    announcement = AnnouncementFactory(body_zh_hant="字" * 20_001, subject_zh_hant="標題")

    with pytest.raises(RegistrationError) as refused:
        announcement_check(announcement=announcement)

    assert refused.value.field == "body_zh_hant"
    assert str(refused.value.message) == (
        "A message can have at most 20,000 characters, and this one has 20,001. Shorten it, "
        "or put the details on a web page and link to it."
    )
    announcement.body_zh_hant = "字" * 20_000
    announcement_check(announcement=announcement)


def test_the_scheduler_queues_what_is_due_once():
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(2, seminar=seminar)
    now = timezone.now()
    due = AnnouncementFactory(seminar=seminar)
    later = AnnouncementFactory(seminar=seminar)
    announcement_schedule(announcement=due, send_at=now + timedelta(minutes=5), now=now)
    announcement_schedule(announcement=later, send_at=now + timedelta(hours=5), now=now)

    first = announcements_dispatch_due(now=now + timedelta(minutes=6))
    second = announcements_dispatch_due(now=now + timedelta(minutes=7))

    assert (first.queued, first.emails, second.queued) == (1, 2, 0)
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.state, later.state) == (State.QUEUED, State.SCHEDULED)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ANNOUNCED)
    assert entry.actor_label == SCHEDULER


def test_a_scheduled_announcement_that_no_longer_holds_goes_back_to_draft():
    now = timezone.now()
    announcement = AnnouncementFactory()
    announcement_schedule(announcement=announcement, send_at=now + timedelta(minutes=1), now=now)
    Announcement.objects.filter(pk=announcement.pk).update(audience={"statuses": ["gone"]})

    dispatched = announcements_dispatch_due(now=now + timedelta(minutes=2))

    announcement.refresh_from_db()
    assert (dispatched.queued, dispatched.refused) == (0, 1)
    assert announcement.state == State.DRAFT


def test_the_scheduler_command_says_what_it_queued():
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(2, seminar=seminar)
    announcement = AnnouncementFactory(seminar=seminar)
    Announcement.objects.filter(pk=announcement.pk).update(
        state=State.SCHEDULED, send_at=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()

    call_command("scheduler", stdout=out)

    assert "Queued 1 announcement(s) to 2 recipient(s); 0 no longer valid" in out.getvalue()


def test_a_test_goes_to_the_organiser_marked_and_uncounted(django_capture_on_commit_callbacks):
    registration = RegistrationFactory(name_en="CHAN Tai Man")
    announcement = AnnouncementFactory(seminar=registration.seminar, subject_en="Hello {name}")

    with django_capture_on_commit_callbacks(execute=True):
        notification = announcement_test_send(
            announcement=announcement, registration=registration, address="me@example.com"
        )

    [message] = mail.outbox
    assert message.to == ["me@example.com"]
    assert message.subject == "[Test] Hello CHAN Tai Man"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert announcement_progress(announcement=announcement).sent == 0
    # The registrant still gets the real one when it is sent.
    assert announcement_queue(announcement=announcement, actor=None) == 1


def test_a_test_needs_an_address_and_a_registrant_of_the_seminar():
    announcement = AnnouncementFactory()

    with pytest.raises(RegistrationError) as refused:
        announcement_test_send(
            announcement=announcement,
            registration=RegistrationFactory(seminar=announcement.seminar),
            address="",
        )
    assert refused.value.message == TEST_NO_ADDRESS
    with pytest.raises(RegistrationError):
        announcement_test_send(
            announcement=announcement, registration=RegistrationFactory(), address="me@x.org"
        )


def test_a_sent_announcement_takes_no_more_tests():
    registration = RegistrationFactory()
    announcement = AnnouncementFactory(seminar=registration.seminar)
    announcement_queue(announcement=announcement, actor=None)

    with pytest.raises(RegistrationError) as refused:
        announcement_test_send(
            announcement=announcement, registration=registration, address="me@example.com"
        )

    assert refused.value.message == TEST_AFTER_SENT
    assert not Notification.objects.exclude(recipient="").exists()


def test_failed_emails_are_queued_again():
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(3, seminar=seminar)
    announcement = AnnouncementFactory(seminar=seminar)
    announcement_queue(announcement=announcement, actor=None)
    rows = Notification.objects.filter(announcement=announcement).order_by("pk")
    Notification.objects.filter(pk__in=[row.pk for row in rows[:2]]).update(
        status=NotificationStatus.FAILED
    )

    resent = announcement_failed_resend(announcement=announcement)

    assert resent == 2
    assert announcement_progress(announcement=announcement).failed == 0


def test_progress_counts_each_state_in_one_query(django_assert_num_queries):
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(6, seminar=seminar)
    announcement = AnnouncementFactory(seminar=seminar)
    announcement_queue(announcement=announcement, actor=None)
    rows = list(Notification.objects.filter(announcement=announcement).order_by("pk"))
    for row, status in zip(rows, ["sent", "sent", "failed", "skipped", "sending"], strict=False):
        Notification.objects.filter(pk=row.pk).update(status=status)

    with django_assert_num_queries(1):
        progress = announcement_progress(announcement=announcement)

    assert (progress.queued, progress.sent, progress.failed, progress.not_sent) == (2, 2, 1, 1)


def test_the_progress_of_many_announcements_in_one_query(django_assert_num_queries):
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(3, seminar=seminar)
    for _ in range(5):
        announcement_queue(announcement=AnnouncementFactory(seminar=seminar), actor=None)

    with django_assert_num_queries(1):
        listed = list(announcements_with_progress(Announcement.objects.all()))

    assert [a.progress_queued for a in listed] == [3] * 5


# Real concurrency: two clicks or two schedulers at the same moment, on PostgreSQL.


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_queue_it_once():
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(20, seminar=seminar)
    announcement = AnnouncementFactory(seminar=seminar)

    results = run_at_once(
        2,
        lambda n: announcement_queue(
            announcement=Announcement.objects.get(pk=announcement.pk), actor=None
        ),
    )

    assert sorted(map(type, results), key=str) == sorted([int, AnnouncementAlreadyQueued], key=str)
    assert Notification.objects.filter(announcement=announcement).count() == 20
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ANNOUNCED).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_queue_it_once():
    seminar = SeminarFactory()
    RegistrationFactory.create_batch(20, seminar=seminar)
    now = timezone.now()
    announcement = AnnouncementFactory(seminar=seminar)
    announcement_schedule(announcement=announcement, send_at=now + timedelta(seconds=1), now=now)

    results = run_at_once(4, lambda n: announcements_dispatch_due(now=now + timedelta(minutes=1)))

    assert sorted(result.queued for result in results) == [0, 0, 0, 1]
    assert Notification.objects.filter(announcement=announcement).count() == 20
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ANNOUNCED).count() == 1
