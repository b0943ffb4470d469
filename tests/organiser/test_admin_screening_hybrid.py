"""Organisers screen registrations (approve and decline, in bulk or one at a time, each asking
first) and run hybrid seminars (two seat counts, set up and watched in the admin)."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils.html import strip_tags
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.errors import RegistrationError
from registrations.models import AuditEntry, Notification, Registration
from registrations.permissions import VIEWERS, groups_ensure
from registrations.services import (
    DECLINE_MESSAGE_MAX_LENGTH,
    DECLINE_MESSAGE_TOO_LONG,
    registration_create,
    registration_decline,
)
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    registration_admin_data,
    registration_data,
)
from tests.hypothesis_budget import examples
from tests.organiser.test_admin import seminar_form_post_data
from tests.registrations.test_properties import PROPERTY_SETTINGS

Status = Registration.Status
pytestmark = pytest.mark.django_db
CHANGELIST = "admin:registrations_registration_changelist"


@pytest.fixture
def organiser(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def menu_post(client, action: str, registrations, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [r.pk for r in registrations], "index": 0, **extra},
    )


def confirm_post(client, action: str, registrations, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [r.pk for r in registrations], "confirm": "yes"}
        | extra,
        follow=True,
    )


def text_of(response) -> str:
    return text_of_html(response.content.decode())


def text_of_html(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", strip_tags(page)))


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def apply(seminar, email: str, **data) -> Registration:
    """A registrant applies through the public form's service."""
    return registration_create(
        seminar=seminar, data=registration_data(email=email, name_en=email.split("@")[0], **data)
    )


@pytest.fixture
def screened():
    """Two seats, a waitlist, and three applicants in the order they applied."""
    seminar = SeminarFactory(title_en="IP Workshop", capacity=2, requires_approval=True)
    return seminar, [apply(seminar, f"{name}@example.com") for name in ("chan", "wong", "lee")]


def test_approve_asks_first_saying_who_is_confirmed_and_who_waits(organiser_client, screened):
    _seminar, (chan, wong, lee) = screened

    text = text_of(menu_post(organiser_client, "approve_registrations", [chan, wong, lee]))

    assert "These 2 registrations will be approved and confirmed: chan" in text
    assert (
        "This registration will be approved and join the waitlist, as no seat is free: lee" in text
    )
    assert (
        "2 confirmation emails with the joining details, one to each confirmed registrant." in text
    )
    assert "1 email with their place on the waitlist, to the waitlisted registrant." in text
    assert statuses(chan, wong, lee) == [Status.PENDING] * 3


def test_approve_confirms_in_the_order_they_applied_then_waitlists(
    organiser_client, screened, django_capture_on_commit_callbacks
):
    seminar, (chan, wong, lee) = screened

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_post(organiser_client, "approve_registrations", [lee, wong, chan])

    assert "3 registrations approved: 2 confirmed, 1 on the waitlist." in text_of(response)
    assert statuses(chan, wong, lee) == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    seminar.refresh_from_db()
    assert seminar.seats_taken == 2
    assert AuditEntry.objects.filter(action="approved").count() == 3
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "Registration confirmed: IP Workshop",
        "Registration confirmed: IP Workshop",
        "You are on the waitlist: IP Workshop",
    ]


def test_approving_at_a_full_seminar_without_a_waitlist_is_refused_clearly(
    organiser_client, screened
):
    seminar, (chan, wong, lee) = screened
    seminar.capacity, seminar.waitlist_enabled = 1, False
    seminar.save()

    question = text_of(menu_post(organiser_client, "approve_registrations", [chan, wong, lee]))
    response = confirm_post(organiser_client, "approve_registrations", [chan, wong, lee])

    refusal = (
        "“IP Workshop” is full and takes no waitlist: raise its capacity or switch its waitlist "
        "on first."
    )
    assert f"2 selected registrations cannot be approved and stay pending. {refusal}" in question
    assert "1 registration approved: 1 confirmed, 0 on the waitlist." in text_of(response)
    assert f"2 registrations were not approved and stay pending. {refusal}" in text_of(response)
    assert statuses(chan, wong, lee) == [Status.CONFIRMED, Status.PENDING, Status.PENDING]


def test_approve_leaves_registrations_that_are_not_pending_alone(organiser_client, screened):
    seminar, (chan, _wong, _lee) = screened
    confirmed = RegistrationFactory(seminar=seminar)

    text = text_of(menu_post(organiser_client, "approve_registrations", [chan, confirmed]))

    assert "1 selected registration is not awaiting approval and is left alone." in text


def test_decline_asks_first_with_a_box_for_a_message_and_says_it_is_final(
    organiser_client, screened
):
    _seminar, (chan, wong, _lee) = screened

    response = menu_post(organiser_client, "decline_registrations", [chan, wong])

    text = text_of(response)
    assert "These 2 registrations will be declined: chan" in text
    assert "Declining is final" in text
    assert "2 emails saying the registration was not accepted" in text
    assert '<textarea id="option-message" name="message"' in response.content.decode()
    assert 'value="Yes, decline"' in response.content.decode()
    assert statuses(chan, wong) == [Status.PENDING] * 2


def test_decline_emails_each_registrant_in_their_language_with_the_message(
    organiser_client, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory(
        title_en="IP Workshop",
        title_zh_hant="知識產權工作坊",
        title_zh_hans="知识产权工作坊",
        requires_approval=True,
    )
    chan = apply(seminar, "chan@example.com", preferred_language="zh-hant")
    li = apply(seminar, "li@example.com", preferred_language="zh-hans")
    smith = apply(seminar, "smith@example.com", preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_post(
            organiser_client,
            "decline_registrations",
            [chan, li, smith],
            message="  The workshop is for SMEs.\x00  ",
        )

    assert "3 registrations declined." in text_of(response)
    assert statuses(chan, li, smith) == [Status.DECLINED] * 3
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[chan.email].subject == "報名未獲接納：知識產權工作坊"
    assert by_address[li.email].subject == "报名未通过审核：知识产权工作坊"
    assert by_address[smith.email].subject == "Registration not accepted: IP Workshop"
    for message in mail.outbox:
        assert "The workshop is for SMEs." in message.body
    assert Notification.objects.get(registration=chan, kind="declined").note == (
        "The workshop is for SMEs."
    )
    assert AuditEntry.objects.get(registration=smith, action="declined").details == {
        "message": "The workshop is for SMEs."
    }


def test_a_declined_registration_is_never_promoted(organiser_client, screened):
    seminar, (chan, wong, lee) = screened
    confirm_post(organiser_client, "decline_registrations", [lee])
    confirm_post(organiser_client, "approve_registrations", [chan, wong])
    late = apply(seminar, "late@example.com")
    confirm_post(organiser_client, "approve_registrations", [late])

    confirm_post(organiser_client, "cancel_registrations", [chan])

    assert statuses(chan, wong, lee, late) == [
        Status.CANCELLED,
        Status.CONFIRMED,
        Status.DECLINED,
        Status.CONFIRMED,
    ]


def test_the_registration_page_has_approve_and_decline_for_a_pending_one(
    organiser_client, screened
):
    _seminar, (chan, _wong, _lee) = screened
    page = organiser_client.get(reverse("admin:registrations_registration_change", args=[chan.pk]))

    approve_url = reverse("admin:registrations_registration_approve", args=[chan.pk])
    decline_url = reverse("admin:registrations_registration_decline", args=[chan.pk])
    assert approve_url in page.content.decode()
    assert decline_url in page.content.decode()
    assert "Awaiting approval" in text_of(page)


def test_the_registration_pages_approve_asks_then_approves_and_goes_back_to_the_page(
    organiser_client, screened
):
    _seminar, (chan, _wong, _lee) = screened
    url = reverse("admin:registrations_registration_approve", args=[chan.pk])
    change_url = reverse("admin:registrations_registration_change", args=[chan.pk])

    question = organiser_client.get(url)
    unchanged = statuses(chan)
    response = organiser_client.post(url, {"confirm": "yes"})

    assert "This registration will be approved and confirmed: chan" in text_of(question)
    assert f'href="{change_url}" class="button cancel-link"' in question.content.decode()
    assert unchanged == [Status.PENDING]
    assert response.status_code == 302 and response["Location"] == change_url
    assert statuses(chan) == [Status.CONFIRMED]


def test_the_registration_pages_decline_sends_the_message(
    organiser_client, screened, django_capture_on_commit_callbacks
):
    _seminar, (chan, _wong, _lee) = screened
    url = reverse("admin:registrations_registration_decline", args=[chan.pk])

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url, {"confirm": "yes", "message": "Places are limited."})

    assert statuses(chan) == [Status.DECLINED]
    (message,) = mail.outbox
    assert "Places are limited." in message.body


def test_one_registrations_approve_and_decline_pages_speak_of_one(organiser_client, screened):
    _seminar, (chan, _wong, _lee) = screened

    approve = organiser_client.get(
        reverse("admin:registrations_registration_approve", args=[chan.pk])
    )
    decline = organiser_client.get(
        reverse("admin:registrations_registration_decline", args=[chan.pk])
    )
    both = menu_post(organiser_client, "decline_registrations", [chan, _wong])

    assert "<h1>Approve registration</h1>" in approve.content.decode()
    assert "<h1>Decline registration</h1>" in decline.content.decode()
    assert "Message to the registrant (optional)" in text_of(decline)
    assert "The rest of the email is in the registrant's language." in text_of(decline)
    assert "registrants" not in text_of(decline)
    assert "<h1>Decline registrations</h1>" in both.content.decode()
    assert "Message to the registrants (optional)" in text_of(both)


def test_a_decline_message_over_the_limit_is_refused_next_to_it_and_kept(
    organiser_client, screened
):
    _seminar, (chan, wong, _lee) = screened
    too_long = "Places are limited. " + "x" * DECLINE_MESSAGE_MAX_LENGTH

    response = confirm_post(
        organiser_client, "decline_registrations", [chan, wong], message=too_long
    )

    page = response.content.decode()
    refusal = DECLINE_MESSAGE_TOO_LONG % {"limit": 2000, "count": len(too_long)}
    assert html.escape(str(refusal)) in page
    assert page.index("errorlist") < page.index('<textarea id="option-message"')  # beside it
    assert 'name="message" rows="6" cols="60" aria-invalid="true"' in page
    assert f">\n{too_long}</textarea>" in page  # nothing lost
    assert 'value="Yes, decline"' in page  # the same question, to try again
    assert statuses(chan, wong) == [Status.PENDING] * 2
    assert not Notification.objects.filter(kind="declined").exists()


def test_a_decline_message_of_the_limit_is_sent_whole(
    organiser_client, screened, django_capture_on_commit_callbacks
):
    _seminar, (chan, _wong, _lee) = screened
    message = "y" * DECLINE_MESSAGE_MAX_LENGTH
    url = reverse("admin:registrations_registration_decline", args=[chan.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, {"confirm": "yes", "message": f"  {message}\n"})

    assert response.status_code == 302
    assert statuses(chan) == [Status.DECLINED]
    assert Notification.objects.get(registration=chan, kind="declined").note == message


def test_the_decline_service_refuses_a_message_over_the_limit(screened):
    _seminar, (chan, _wong, _lee) = screened

    with pytest.raises(RegistrationError) as refused:
        registration_decline(registration=chan, actor=None, message="z" * 2001)

    assert refused.value.field == "message"
    assert statuses(chan) == [Status.PENDING]


@settings(max_examples=examples(30), **PROPERTY_SETTINGS)
@given(
    message=st.one_of(
        st.text(max_size=50),
        st.sampled_from(["", " ", "\x00", "<b>x</b>", "y" * 2000, " y" * 1001, "z" * 200_000]),
    )
)
def test_a_decline_message_never_errors_and_declines_all_or_nothing(organiser_client, message):
    seminar = SeminarFactory(requires_approval=True)
    chan, wong = (apply(seminar, f"{name}@example.com") for name in ("chan", "wong"))

    response = confirm_post(
        organiser_client, "decline_registrations", [chan, wong], message=message
    )

    assert response.status_code == 200
    sent = message.replace("\x00", "").strip()
    if len(sent) > DECLINE_MESSAGE_MAX_LENGTH:
        assert statuses(chan, wong) == [Status.PENDING] * 2
    else:
        assert statuses(chan, wong) == [Status.DECLINED] * 2
        notes = Notification.objects.filter(registration__in=[chan, wong], kind="declined")
        assert [note.note for note in notes] == [sent, sent]


def test_a_confirmed_registrations_page_offers_no_approval(organiser_client):
    registration = RegistrationFactory()

    page = organiser_client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    )

    assert "/approve/" not in page.content.decode()


def test_viewers_cannot_approve_or_decline(client, screened):
    _seminar, (chan, _wong, _lee) = screened
    groups_ensure()
    viewer = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWERS))
    client.force_login(viewer)

    for name in ("approve", "decline"):
        url = reverse(f"admin:registrations_registration_{name}", args=[chan.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirm": "yes"}).status_code == 403
    page = client.get(reverse("admin:registrations_registration_change", args=[chan.pk]))
    assert "/approve/" not in page.content.decode()
    assert statuses(chan) == [Status.PENDING]


def test_the_list_filters_by_the_new_statuses_and_by_mode(organiser_client, screened):
    _seminar, (_chan, wong, _lee) = screened
    confirm_post(organiser_client, "decline_registrations", [wong])

    pending = text_of(organiser_client.get(reverse(CHANGELIST), {"status__exact": "pending"}))
    declined = text_of(organiser_client.get(reverse(CHANGELIST), {"status__exact": "declined"}))
    everything = text_of(organiser_client.get(reverse(CHANGELIST)))

    assert "chan@example.com" in pending and "wong@example.com" not in pending
    assert "wong@example.com" in declined and "chan@example.com" not in declined
    assert "Awaiting approval" in everything and "Declined" in everything
    assert "By attendance mode" in everything


def test_the_list_says_which_seats_a_status_is_for_at_a_hybrid_seminar(organiser_client):
    hybrid = SeminarFactory(format="hybrid", capacity=5, online_capacity=5)
    RegistrationFactory(seminar=hybrid, attendance_mode="in_person", name_en="ROOM Person")
    RegistrationFactory(seminar=hybrid, attendance_mode="online", name_en="ONLINE Person")

    html = organiser_client.get(reverse(CHANGELIST)).content.decode()

    assert 'Confirmed<span class="registration-mode">In the room</span>' in html
    assert 'Confirmed<span class="registration-mode">Online</span>' in html
    online = organiser_client.get(reverse(CHANGELIST), {"attendance_mode__exact": "online"})
    assert "ONLINE Person" in text_of(online) and "ROOM Person" not in text_of(online)


def test_adding_a_registration_at_a_screened_seminar_confirms_it(organiser_client):
    seminar = SeminarFactory(requires_approval=True)

    organiser_client.post(
        reverse("admin:registrations_registration_add"), registration_admin_data(seminar=seminar)
    )

    assert Registration.objects.get().status == Status.CONFIRMED


def test_adding_a_registration_at_a_hybrid_seminar_needs_the_mode(organiser_client):
    seminar = SeminarFactory(format="hybrid", capacity=1, online_capacity=10)
    url = reverse("admin:registrations_registration_add")

    refused = organiser_client.post(url, registration_admin_data(seminar=seminar))
    organiser_client.post(url, registration_admin_data(seminar=seminar, attendance_mode="online"))

    assert refused.context["adminform"].form.errors["attendance_mode"] == [
        "Choose whether you will attend in the room or online."
    ]
    registration = Registration.objects.get()
    assert (registration.attendance_mode, registration.status) == ("online", Status.CONFIRMED)
    seminar.refresh_from_db()
    assert (seminar.seats_taken, seminar.online_seats_taken) == (0, 1)


def test_a_hybrid_registrations_page_shows_the_mode_and_when_it_was_reviewed(
    organiser_client, organiser
):
    seminar = SeminarFactory(format="hybrid", requires_approval=True, online_capacity=10)
    registration = apply(seminar, "chan@example.com", attendance_mode="online")
    confirm_post(organiser_client, "approve_registrations", [registration])

    text = text_of(
        organiser_client.get(
            reverse("admin:registrations_registration_change", args=[registration.pk])
        )
    )

    assert "Attendance mode: Online" in text
    assert "Approved or declined at:" in text
    assert "Approved by an organiser" in text  # the audit log


# The seminar's own settings.


def seminar_change(client, seminar, **changes):
    url = reverse("admin:seminar_seminar_change", args=[seminar.pk])
    form = client.get(url).context["adminform"].form
    data = seminar_form_post_data(form, **changes)
    for empty, value in changes.items():
        if value is None:
            data.pop(empty, None)
    return client.post(url, data)


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


def test_the_seminar_page_offers_approval_and_online_seats_with_an_explanation(
    organiser_client,
):
    seminar = SeminarFactory(format="hybrid", online_capacity=300)

    text = text_of(organiser_client.get(reverse("admin:seminar_seminar_change", args=[seminar.pk])))

    assert "Registrations need an organiser's approval" in text
    assert "Online seats" in text and "Confirmed online seats" in text
    assert "the capacity is the room's seats and the online seats are counted apart" in text


def test_switching_approval_on_makes_new_registrations_pending(organiser_client):
    seminar = SeminarFactory()

    seminar_change(organiser_client, seminar, requires_approval="on")

    seminar.refresh_from_db()
    assert seminar.requires_approval
    assert apply(seminar, "new@example.com").status == Status.PENDING


def test_switching_approval_off_says_who_still_awaits_it_and_links_to_them(organiser_client):
    seminar = SeminarFactory(requires_approval=True)
    waiting = [apply(seminar, f"{name}@example.com") for name in ("chan", "wong")]
    apply(SeminarFactory(requires_approval=True), "elsewhere@example.com")

    response = seminar_change(organiser_client, seminar, requires_approval=None)

    page = organiser_client.get(response["Location"]).content.decode()
    assert (
        "2 registrations are still awaiting approval: switching approval off does not confirm "
        "them. Approve or decline each of them." in text_of_html(page)
    )
    link = re.search(r'<a href="([^"]+)">Show those awaiting approval</a>', page).group(1)
    listed = text_of(organiser_client.get(html.unescape(link)))
    assert "chan@example.com" in listed and "wong@example.com" in listed
    assert "elsewhere@example.com" not in listed
    assert statuses(*waiting) == [Status.PENDING] * 2


def test_switching_approval_off_with_nobody_waiting_says_nothing_more(organiser_client):
    seminar = SeminarFactory(requires_approval=True)
    confirm_post(organiser_client, "approve_registrations", [apply(seminar, "chan@example.com")])

    response = seminar_change(organiser_client, seminar, requires_approval=None)

    page = text_of(organiser_client.get(response["Location"]))
    assert "awaiting approval" not in page
    seminar.refresh_from_db()
    assert not seminar.requires_approval


def test_online_seats_are_only_for_a_hybrid_seminar(organiser_client):
    seminar = SeminarFactory(format="online")

    response = seminar_change(organiser_client, seminar, online_capacity=50)

    assert form_errors(response)["online_capacity"] == [
        "Online seats are counted apart only at a hybrid seminar. Leave this blank, or choose "
        "the hybrid format."
    ]
    seminar.refresh_from_db()
    assert seminar.online_capacity is None


def test_online_seats_below_the_confirmed_online_registrations_are_refused(organiser_client):
    seminar = SeminarFactory(format="hybrid", online_capacity=5)
    RegistrationFactory.create_batch(3, seminar=seminar, attendance_mode="online")

    response = seminar_change(organiser_client, seminar, online_capacity=2)

    assert form_errors(response)["online_capacity"] == [
        "3 online registrations are confirmed; online seats cannot be fewer. Cancel "
        "registrations first if you need fewer seats."
    ]


def test_room_seats_below_the_confirmed_room_registrations_say_it_is_the_room(organiser_client):
    seminar = SeminarFactory(format="hybrid", capacity=40, online_capacity=300)
    RegistrationFactory.create_batch(3, seminar=seminar, attendance_mode="in_person")
    RegistrationFactory.create_batch(5, seminar=seminar, attendance_mode="online")
    single = SeminarFactory(format="in_person", capacity=5)
    RegistrationFactory(seminar=single, attendance_mode="in_person")

    hybrid_refusal = form_errors(seminar_change(organiser_client, seminar, capacity=2))
    single_refusal = form_errors(seminar_change(organiser_client, single, capacity=0))

    assert hybrid_refusal["capacity"] == [
        "3 registrations are confirmed in the room; the room's seats cannot be fewer. Cancel "
        "registrations first if you need fewer seats."
    ]
    assert single_refusal["capacity"] == [
        "1 registration is confirmed; capacity cannot be lower. Cancel registrations first if "
        "you need fewer seats."
    ]


def test_the_joining_details_say_they_go_only_to_online_attendees_at_a_hybrid_seminar(
    organiser_client,
):
    seminar = SeminarFactory(format="hybrid", online_capacity=300)

    text = text_of(organiser_client.get(reverse("admin:seminar_seminar_change", args=[seminar.pk])))

    assert (
        "Sent only to confirmed registrants who attend online: everyone at an online seminar, "
        "those attending online at a hybrid one, nobody at an in-person one. Never on public "
        "pages." in text
    )


def test_more_online_seats_promote_the_online_waitlist_only(organiser_client):
    seminar = SeminarFactory(format="hybrid", capacity=1, online_capacity=1)
    RegistrationFactory(seminar=seminar, attendance_mode="in_person")
    RegistrationFactory(seminar=seminar, attendance_mode="online")
    room_waiting = RegistrationFactory(
        seminar=seminar, attendance_mode="in_person", status=Status.WAITLISTED
    )
    online_waiting = RegistrationFactory(
        seminar=seminar, attendance_mode="online", status=Status.WAITLISTED
    )

    seminar_change(organiser_client, seminar, online_capacity=2)

    assert statuses(room_waiting, online_waiting) == [Status.WAITLISTED, Status.CONFIRMED]


@pytest.mark.parametrize(("before", "after"), [("online", "hybrid"), ("hybrid", "in_person")])
def test_the_format_cannot_change_to_or_from_hybrid_once_registrations_are_active(
    organiser_client, before, after
):
    seminar = SeminarFactory(format=before)
    RegistrationFactory(seminar=seminar, status=Status.PENDING)
    RegistrationFactory(seminar=seminar, status=Status.CANCELLED)

    response = seminar_change(organiser_client, seminar, format=after)

    (error,) = form_errors(response)["format"]
    assert error.startswith("1 registration is active")
    assert "cannot change between hybrid and a single format" in error
    seminar.refresh_from_db()
    assert seminar.format == before


def test_the_format_may_change_while_only_cancelled_or_declined_registrations_remain(
    organiser_client,
):
    seminar = SeminarFactory(format="online")
    RegistrationFactory(seminar=seminar, status=Status.CANCELLED)
    RegistrationFactory(seminar=seminar, status=Status.DECLINED)

    seminar_change(organiser_client, seminar, format="hybrid", online_capacity=100)

    seminar.refresh_from_db()
    assert (seminar.format, seminar.online_capacity) == ("hybrid", 100)


# Previews that promote from a waitlist or confirm from it: per mode at a hybrid seminar.


@pytest.fixture
def hybrid_full():
    """One seat in the room and one online, both taken; each mode has one person waiting."""
    seminar = SeminarFactory(title_en="IP Workshop", format="hybrid", capacity=1, online_capacity=1)
    made = {}
    for mode in ("in_person", "online"):
        made[mode] = RegistrationFactory(
            seminar=seminar, attendance_mode=mode, name_en=f"SEATED {mode}"
        )
        made[f"{mode}_waiting"] = RegistrationFactory(
            seminar=seminar,
            attendance_mode=mode,
            status=Status.WAITLISTED,
            name_en=f"WAITING {mode}",
        )
    return made


def test_cancelling_a_room_seat_names_the_rooms_next_in_line(organiser_client, hybrid_full):
    text = text_of(menu_post(organiser_client, "cancel_registrations", [hybrid_full["in_person"]]))
    confirm_post(organiser_client, "cancel_registrations", [hybrid_full["in_person"]])

    assert (
        "The freed seat at “IP Workshop (In the room)” goes to the waitlist: this person will be "
        "confirmed: WAITING in_person" in text
    )
    assert "WAITING online" not in text
    assert statuses(hybrid_full["in_person_waiting"], hybrid_full["online_waiting"]) == [
        Status.CONFIRMED,
        Status.WAITLISTED,
    ]


def test_confirming_from_a_full_modes_waitlist_asks_about_that_mode(organiser_client, hybrid_full):
    hybrid_full["in_person"].seminar.capacity = 2
    hybrid_full["in_person"].seminar.save()

    text = text_of(
        menu_post(organiser_client, "confirm_from_waitlist", [hybrid_full["online_waiting"]])
    )

    assert "“IP Workshop (Online)” is full" in text


def test_resend_says_what_pending_registrants_get_and_skips_the_declined(organiser_client):
    seminar = SeminarFactory(requires_approval=True)
    pending = RegistrationFactory(seminar=seminar, status=Status.PENDING)
    declined = RegistrationFactory(seminar=seminar, status=Status.DECLINED)

    text = text_of(menu_post(organiser_client, "resend_details", [pending, declined]))

    assert (
        "1 email saying the registration is received and under review, to the registrant "
        "awaiting approval." in text
    )
    assert "1 selected registration was declined: nothing is sent for it." in text


def test_cancelling_skips_a_declined_registration(organiser_client):
    seminar = SeminarFactory()
    declined = RegistrationFactory(seminar=seminar, status=Status.DECLINED)
    confirmed = RegistrationFactory(seminar=seminar)

    text = text_of(menu_post(organiser_client, "cancel_registrations", [declined, confirmed]))
    response = confirm_post(organiser_client, "cancel_registrations", [declined, confirmed])

    assert "1 selected registration was declined and is left alone." in text
    assert "1 registration cancelled." in text_of(response)
    assert statuses(declined, confirmed) == [Status.DECLINED, Status.CANCELLED]


def test_moving_a_seminar_online_moves_its_registrations_online(organiser_client):
    seminar = SeminarFactory(format="in_person", venue_en="Room 1", capacity=1)
    seated = RegistrationFactory(seminar=seminar)
    waiting = RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    assert seated.attendance_mode == "in_person"

    seminar_change(organiser_client, seminar, format="online")

    modes = set(seminar.registrations.values_list("attendance_mode", flat=True))
    assert modes == {"online"}
    seminar.refresh_from_db()
    assert seminar.seats_taken == 1
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED


def test_an_organiser_changing_details_is_told_which_answers_no_longer_apply(organiser_client):
    from tests.factories import AnswerFactory, QuestionFactory, question_condition

    seminar = SeminarFactory()
    cpd = QuestionFactory(seminar=seminar, label_en="CPD membership number", personal_data=True)
    question_condition(cpd, field="participant_type", values=["ip_practitioner"])
    registration = RegistrationFactory(seminar=seminar, participant_type="ip_practitioner")
    AnswerFactory(registration=registration, question=cpd, value="HKIPA-0042")
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    data = registration_admin_data(seminar=seminar, participant_type="sme")
    data.update(email=registration.email, name_en=registration.name_en)

    response = organiser_client.post(url, data, follow=True)

    assert "The answer to “CPD membership number” was removed" in text_of(response)
    assert not registration.answers.exists()
