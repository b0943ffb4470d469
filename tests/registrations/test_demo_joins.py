"""The demo's personal join links: the 2022 seminar's attendees opened theirs at times that fit
the imported minutes; the upcoming seminar's emails carry each registrant's own link."""

from datetime import timedelta

import pytest

from registrations.emails import message_build
from registrations.models import Notification, Registration
from seminar.models import Seminar
from tests.registrations.test_demo import load_demo

pytestmark = pytest.mark.django_db

Status = Registration.Status


def test_demo_past_attendees_opened_their_link_around_the_start():
    report = load_demo()

    past = Seminar.objects.get(slug="2022-gd-hk-ip-sme-seminar")
    attended = past.registrations.filter(status=Status.CONFIRMED, attended=True)
    assert attended.count() > 200
    assert not attended.filter(join_first_opened_at__isnull=True).exists()
    # Nobody who did not attend (or cancelled) opened a link.
    assert not past.registrations.exclude(attended=True).filter(join_opens__gt=0).exists()
    for registration in attended:
        assert past.starts_at - timedelta(minutes=30) <= registration.join_first_opened_at
        assert registration.join_first_opened_at < past.ends_at
        assert registration.join_last_opened_at >= registration.join_first_opened_at
        assert registration.join_opens >= 1
    assert attended.filter(join_first_opened_at__lte=past.starts_at).count() > 20
    assert attended.filter(join_opens__gt=1).exists()
    assert "Opened their join link at the 2022 seminar" in report


def test_demo_loaded_twice_keeps_the_opens():
    load_demo()
    past = Seminar.objects.get(slug="2022-gd-hk-ip-sme-seminar")
    before = list(past.registrations.order_by("pk").values_list("join_opens", flat=True))

    load_demo()

    assert list(past.registrations.order_by("pk").values_list("join_opens", flat=True)) == before


def test_demo_upcoming_online_seminar_emails_carry_personal_links():
    load_demo()
    upcoming = (
        Seminar.objects.filter(
            format=Seminar.Format.ONLINE,
            starts_at__gt=Seminar.objects.get(slug="2022-gd-hk-ip-sme-seminar").ends_at,
        )
        .exclude(join_url="")
        .order_by("starts_at")
        .first()
    )
    registration = upcoming.registrations.filter(status=Status.CONFIRMED).first()

    message = message_build(
        notification=Notification(registration=registration, kind=Notification.Kind.CONFIRMATION)
    )

    assert f"/j/{registration.join_token}/" in message.body
    assert upcoming.join_url not in message.body
