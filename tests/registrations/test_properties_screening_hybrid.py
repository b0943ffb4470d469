"""Generated inputs against the hybrid registration form (with its attendance choice), the
registrant's switch of mode and the organisers' decline message: never a server error, never a
half-saved registration, seat counts that always match the registrations."""

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.models import AuditEntry, Notification, Registration
from registrations.services import registration_create
from seminar.models import Seminar
from tests.factories import SeminarFactory, form_started, registration_data
from tests.hypothesis_budget import examples
from tests.registrations.test_properties import PROPERTY_SETTINGS, form, text

Status = Registration.Status
pytestmark = pytest.mark.django_db

MODES = st.sampled_from(["in_person", "online", "", "hybrid", "IN_PERSON", "\x00"])


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLED = False


def seats_match(seminar: Seminar) -> bool:
    """The seat counters say what the confirmed registrations say, per mode."""
    seminar.refresh_from_db()
    confirmed = seminar.registrations.aggregate(
        room=Count("pk", filter=Q(status=Status.CONFIRMED, attendance_mode="in_person")),
        online=Count("pk", filter=Q(status=Status.CONFIRMED, attendance_mode="online")),
    )
    return (seminar.seats_taken, seminar.online_seats_taken) == (
        confirmed["room"],
        confirmed["online"],
    )


@settings(max_examples=examples(250), **PROPERTY_SETTINGS)
@given(data=form, mode=st.one_of(st.none(), MODES), waitlist=st.booleans())
def test_hybrid_registration_form_never_errors_or_half_saves(client, data, mode, waitlist):
    seminar = SeminarFactory(
        format="hybrid", capacity=1, online_capacity=1, waitlist_enabled=waitlist
    )
    registration_create(
        seminar=seminar, data=registration_data(email="first@example.com", attendance_mode="online")
    )
    if mode is not None:
        data["attendance_mode"] = mode
    data["started"] = form_started()
    before = (Registration.objects.count(), Notification.objects.count())

    response = client.post(reverse("registrations:create", kwargs={"slug": seminar.slug}), data)

    after = (Registration.objects.count(), Notification.objects.count())
    assert response.status_code in (200, 302)
    if response.status_code == 302 and response["Location"].endswith("/register/done/"):
        assert after == (before[0] + 1, before[1] + 1)
        registration = Registration.objects.latest("pk")
        registration.full_clean(exclude=["token"])
        assert registration.attendance_mode == mode
        assert registration.status in (Status.CONFIRMED, Status.WAITLISTED)
    else:
        assert after == before
    assert seats_match(seminar)


@settings(max_examples=examples(60), **PROPERTY_SETTINGS)
@given(
    switches=st.lists(
        st.tuples(st.integers(min_value=0, max_value=3), st.sampled_from(["get", "post"])),
        max_size=8,
    )
)
def test_switching_modes_in_any_order_keeps_the_seats_right(client, switches):
    seminar = SeminarFactory(format="hybrid", capacity=2, online_capacity=1)
    registrations = [
        registration_create(
            seminar=seminar,
            data=registration_data(
                email=f"p{number}@example.com",
                attendance_mode=["in_person", "online"][number % 2],
            ),
        )
        for number in range(4)
    ]

    for index, method in switches:
        url = reverse("registrations:mode_change", kwargs={"token": registrations[index].token})
        response = getattr(client, method)(url)
        assert response.status_code in (200, 302)

    assert seats_match(seminar)
    for mode in ("in_person", "online"):
        waiting = seminar.registrations.filter(status=Status.WAITLISTED, attendance_mode=mode)
        # Nobody waits in a mode that has a free seat: freed seats went to its waitlist.
        assert not waiting.exists() or seminar.seats_left_for(mode) == 0


@settings(max_examples=examples(200), **PROPERTY_SETTINGS)
@given(message=st.one_of(text, st.text(max_size=3000)), also=st.sampled_from(["", "confirmed"]))
def test_decline_message_never_errors_and_declines_all_or_nothing(admin_client, message, also):
    seminar = SeminarFactory(requires_approval=True)
    pending = registration_create(seminar=seminar, data=registration_data())
    others = (
        [registration_create(seminar=SeminarFactory(), data=registration_data())] if also else []
    )
    selected = [pending.pk, *(other.pk for other in others)]

    response = admin_client.post(
        reverse("admin:registrations_registration_changelist"),
        {
            "action": "decline_registrations",
            "_selected_action": selected,
            "confirm": "yes",
            "message": message,
        },
    )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.DECLINED
    note = Notification.objects.get(registration=pending, kind="declined").note
    assert note == message.replace("\x00", "").strip()
    assert AuditEntry.objects.filter(action="declined", registration=pending).count() == 1
    for other in others:  # not pending: left as it was
        assert Registration.objects.get(pk=other.pk).status == Status.CONFIRMED
