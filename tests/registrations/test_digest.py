"""Organisers' daily digest: the figures since the last one, none on a quiet day, once a day
however many schedulers run, retried when sending fails, in the organiser's language, and only
for those who may see the dashboard."""

from datetime import datetime, time, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.digest import (
    DigestNeedsEmail,
    digest_deliver,
    digest_figures,
    digest_message,
    digest_subscribe,
    digests_schedule,
)
from registrations.models import DigestSubscription, Registration
from registrations.permissions import VIEWERS, groups_ensure
from registrations.services import registration_cancel, registration_create
from tests.factories import RegistrationFactory, SeminarFactory, registration_data
from tests.registrations.test_concurrency import run_at_once
from tests.registrations.test_opening_alerts import RecordingHandler, smtp_configure

Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    groups_ensure()
    user = get_user_model().objects.create_user(
        "viewer", email="viewer@example.gov.hk", password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=VIEWERS))
    return user


@pytest.fixture
def smtp_port(settings):
    return smtp_configure(settings)


@pytest.fixture
def seminar():
    return SeminarFactory(
        title_en="IP Seminar", title_zh_hant="知識產權研討會", capacity=1, waitlist_enabled=True
    )


def digest_morning(days_ahead: int = 1) -> datetime:
    """A few minutes past the digest hour, `days_ahead` days from today (Hong Kong time)."""
    zone = timezone.get_default_timezone()
    day = timezone.localdate(timezone.now(), zone) + timedelta(days=days_ahead)
    return datetime.combine(day, time(8, 5), tzinfo=zone)


def book(seminar, email: str) -> Registration:
    return registration_create(seminar=seminar, data=registration_data(email=email))


# --- Figures ----------------------------------------------------------------------------------


def test_figures_count_what_happened_in_the_period_and_where_it_stands(seminar):
    before = RegistrationFactory(seminar=seminar, email="before@example.com")
    since = timezone.now()
    registration_cancel(registration=before)  # cancelled within the period
    first = book(seminar, "first@example.com")  # takes the freed seat
    book(seminar, "second@example.com")  # waitlisted
    registration_cancel(registration=first)  # "second" is promoted

    figures = digest_figures(seminar=seminar, since=since, until=timezone.now())

    assert (figures.new, figures.cancelled, figures.promoted) == (2, 2, 1)
    assert [(seats.label, seats.seats) for seats in figures.seats_left] == [("", 0)]
    assert not figures.is_quiet


def test_figures_of_a_hybrid_seminar_give_seats_left_per_mode():
    seminar = SeminarFactory(
        format="hybrid", capacity=10, online_capacity=None, requires_approval=True
    )
    RegistrationFactory.create_batch(3, seminar=seminar, attendance_mode="in_person")
    RegistrationFactory(seminar=seminar, status=Status.PENDING)

    figures = digest_figures(
        seminar=seminar, since=timezone.now() - timedelta(days=1), until=timezone.now()
    )

    assert [(seats.label, seats.seats) for seats in figures.seats_left] == [
        ("In the room", 7),
        ("Online", None),
    ]
    assert figures.pending == 1


def test_figures_take_the_same_number_of_queries_however_many_registrations(
    seminar, django_assert_num_queries
):
    small = SeminarFactory(capacity=None)
    large = SeminarFactory(capacity=None)
    RegistrationFactory(seminar=small)
    RegistrationFactory.create_batch(30, seminar=large)
    for registration in large.registrations.all()[:10]:
        registration_cancel(registration=registration)
    since, until = timezone.now() - timedelta(days=1), timezone.now()

    with django_assert_num_queries(2):
        digest_figures(seminar=small, since=since, until=until)
    with django_assert_num_queries(2):
        figures = digest_figures(seminar=large, since=since, until=until)

    assert (figures.new, figures.cancelled) == (30, 10)


# --- Sending ----------------------------------------------------------------------------------


def test_no_digest_on_a_day_with_nothing_new(seminar, organiser):
    digest_subscribe(user=organiser, seminar=seminar, language="en")
    RegistrationFactory(seminar=seminar)
    DigestSubscription.objects.update(created_at=timezone.now())  # the registration came before

    digests_schedule(now=digest_morning())

    assert mail.outbox == []
    assert DigestSubscription.objects.get().covered_until == digest_morning().replace(minute=0)


def test_one_digest_a_day_however_often_the_scheduler_runs(seminar, organiser):
    digest_subscribe(user=organiser, seminar=seminar, language="en")
    book(seminar, "a@example.com")

    for _run in range(3):
        digests_schedule(now=digest_morning(1))
    book(seminar, "b@example.com")
    book(seminar, "c@example.com")
    digests_schedule(now=digest_morning(2))

    first, second = mail.outbox
    assert first.to == ["viewer@example.gov.hk"]
    assert first.subject == "Daily digest: IP Seminar"
    assert "New registrations: 1" in first.body
    assert "New registrations: 2" in second.body  # only what came after the first digest


def test_no_digest_before_the_digest_hour(seminar, organiser, settings):
    settings.DIGEST_HOUR = 9
    digest_subscribe(user=organiser, seminar=seminar, language="en")
    book(seminar, "a@example.com")

    queued = digests_schedule(now=digest_morning())  # 08:05, before 09:00

    assert queued == 0
    assert mail.outbox == []


def test_the_digest_is_in_the_organisers_language_with_a_link_to_the_dashboard(seminar, organiser):
    digest_subscribe(user=organiser, seminar=seminar, language="zh-hant")
    book(seminar, "a@example.com")

    digests_schedule(now=digest_morning())

    (message,) = mail.outbox
    html, _mimetype = message.alternatives[0]
    assert message.subject == "每日摘要：知識產權研討會"
    assert "新報名：1" in message.body
    assert f"http://testserver-site/zh-hant/admin/seminar/seminar/{seminar.pk}/dashboard/" in (
        message.body
    )
    assert '<html lang="zh-hant">' in html


def test_a_failed_send_is_retried_and_nothing_is_lost_or_doubled(seminar, organiser, smtp_port):
    digest_subscribe(user=organiser, seminar=seminar, language="en")
    book(seminar, "a@example.com")

    digests_schedule(now=digest_morning())  # the mail server is down
    released = DigestSubscription.objects.get()
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        digests_schedule(now=digest_morning() + timedelta(minutes=1))
        digests_schedule(now=digest_morning() + timedelta(minutes=2))
    finally:
        controller.stop()

    assert released.last_sent_at is None
    assert released.covered_until < digest_morning().replace(minute=0)  # the day given back
    (envelope,) = handler.envelopes
    message = message_from_bytes(envelope.content, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "New registrations: 1" in text
    assert DigestSubscription.objects.get().last_sent_at is not None


def test_with_the_database_queue_a_failed_send_is_retried_later_holding_the_day(
    seminar, organiser, smtp_port, settings
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    subscription = digest_subscribe(user=organiser, seminar=seminar, language="en")
    book(seminar, "a@example.com")
    day = digest_morning().replace(minute=0)
    now = timezone.now()

    outcome = digest_deliver(
        subscription_id=subscription.pk, day=day, previous=subscription.covered_until, now=now
    )

    assert outcome == "failed"
    assert DigestSubscription.objects.get().covered_until == day
    retry = DBTaskResult.objects.get(task_path="registrations.digest.digest_send")
    assert retry.run_after == now + timedelta(minutes=1)
    assert retry.args_kwargs["kwargs"]["attempt"] == 1


def test_no_digest_for_someone_who_may_no_longer_see_the_dashboard(seminar, organiser):
    digest_subscribe(user=organiser, seminar=seminar, language="en")
    organiser.groups.clear()
    book(seminar, "a@example.com")

    digests_schedule(now=digest_morning())

    assert mail.outbox == []


def test_an_account_without_an_email_address_cannot_subscribe(seminar, organiser):
    organiser.email = ""

    with pytest.raises(DigestNeedsEmail):
        digest_subscribe(user=organiser, seminar=seminar, language="en")

    assert not DigestSubscription.objects.exists()


def test_digests_stop_the_day_after_the_seminar_ends(organiser):
    seminar = SeminarFactory(
        starts_at=digest_morning(1) - timedelta(hours=20),
        registration_opens_at=timezone.now() - timedelta(days=1),
    )
    digest_subscribe(user=organiser, seminar=seminar, language="en")
    RegistrationFactory(seminar=seminar)
    DigestSubscription.objects.update(created_at=timezone.now() - timedelta(days=1))

    last = digests_schedule(now=digest_morning(1))
    after = digests_schedule(now=digest_morning(2))

    assert (last, after) == (1, 0)
    assert len(mail.outbox) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_one_digest(seminar, organiser):
    digest_subscribe(user=organiser, seminar=seminar, language="en")
    book(seminar, "a@example.com")

    run_at_once(4, lambda n: digests_schedule(now=digest_morning()))

    # Outside a test transaction the registrant's confirmation goes out too.
    digests = [message for message in mail.outbox if message.to == [organiser.email]]
    assert len(digests) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_digest_queued_by_four_schedulers_is_sent_once(seminar, organiser):
    subscription = digest_subscribe(user=organiser, seminar=seminar, language="en")
    book(seminar, "a@example.com")
    day = digest_morning().replace(minute=0)

    # What four schedulers reading the subscription at the same moment would each queue.
    outcomes = run_at_once(
        4,
        lambda n: digest_deliver(
            subscription_id=subscription.pk, day=day, previous=subscription.covered_until
        ),
    )

    assert sorted(outcomes) == ["sent", "taken", "taken", "taken"]
    assert [message.to for message in mail.outbox].count([organiser.email]) == 1


def test_a_hybrid_seminars_modes_are_named_in_the_digests_language(organiser):
    seminar = SeminarFactory(format="hybrid", capacity=10, online_capacity=20)
    subscription = digest_subscribe(user=organiser, seminar=seminar, language="zh-hans")
    RegistrationFactory(seminar=seminar, attendance_mode="online")

    figures = digest_figures(
        seminar=seminar, since=timezone.now() - timedelta(days=1), until=timezone.now()
    )
    message = digest_message(subscription=subscription, figures=figures)

    assert "剩余座位（亲临现场）" in message.body
