"""Bulk actions that cancel, email or record attendance ask first, saying what they will do."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils.html import strip_tags

from registrations.models import Notification, Registration
from tests.factories import RegistrationFactory, SeminarFactory

Status = Registration.Status
pytestmark = pytest.mark.django_db
CHANGELIST = "admin:registrations_registration_changelist"


@pytest.fixture
def organiser_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


def menu_post(client, action: str, registrations, url: str | None = None, **extra):
    """What the changelist's action menu sends: the selection, the action and `index`."""
    return client.post(
        url or reverse(CHANGELIST),
        {"action": action, "_selected_action": [r.pk for r in registrations], "index": 0, **extra},
    )


def confirm_post(client, action: str, registrations, url: str | None = None, **extra):
    """What the confirmation page's form sends back."""
    return client.post(
        url or reverse(CHANGELIST),
        {"action": action, "_selected_action": [r.pk for r in registrations], "confirm": "yes"}
        | extra,
        follow=True,
    )


def page_text(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


@pytest.fixture
def full_seminar():
    """One seat, taken by Chan; Wong and Lee wait in that order."""
    seminar = SeminarFactory(capacity=1, title_en="IP Seminar")
    chan = RegistrationFactory(seminar=seminar, name_en="CHAN Tai Man", name_zh="陳大文")
    wong = RegistrationFactory(seminar=seminar, name_en="WONG Ka Yan", status=Status.WAITLISTED)
    lee = RegistrationFactory(seminar=seminar, name_en="LEE Siu Ming", status=Status.WAITLISTED)
    return chan, wong, lee


def test_cancel_asks_first_naming_whom_it_cancels_who_is_promoted_and_the_emails(
    organiser_client, full_seminar
):
    chan, wong, lee = full_seminar

    response = menu_post(organiser_client, "cancel_registrations", [chan])

    text = page_text(response)
    assert "This registration will be cancelled: CHAN Tai Man 陳大文" in text
    assert (
        "The freed seat at “IP Seminar” goes to the waitlist: this person will be confirmed: "
        "WONG Ka Yan" in text
    )
    assert "LEE Siu Ming" not in text
    assert "1 cancellation email, to the registrant whose registration is cancelled." in text
    assert (
        "1 email saying a seat is now theirs, with the joining details, to the person promoted."
        in text
    )
    assert 'value="Yes, cancel"' in response.content.decode()
    assert statuses(chan, wong, lee) == [Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    assert not Notification.objects.exists()


def test_cancel_runs_only_on_the_confirmation_and_promotes_whom_the_question_named(
    organiser_client, full_seminar, django_capture_on_commit_callbacks
):
    chan, wong, lee = full_seminar

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_post(organiser_client, "cancel_registrations", [chan])

    assert "1 registration cancelled." in page_text(response)
    assert statuses(chan, wong, lee) == [Status.CANCELLED, Status.CONFIRMED, Status.WAITLISTED]
    assert sorted(message.to[0] for message in mail.outbox) == sorted([chan.email, wong.email])


def test_cancelling_a_seat_and_the_head_of_the_waitlist_together_promotes_the_next_one(
    organiser_client, full_seminar, django_capture_on_commit_callbacks
):
    chan, wong, lee = full_seminar

    question = menu_post(organiser_client, "cancel_registrations", [chan, wong])
    with django_capture_on_commit_callbacks(execute=True):
        confirm_post(organiser_client, "cancel_registrations", [chan, wong])

    assert "go to the waitlist" not in page_text(question)
    assert "this person will be confirmed: LEE Siu Ming" in page_text(question)
    assert statuses(chan, wong, lee) == [Status.CANCELLED, Status.CANCELLED, Status.CONFIRMED]
    # Wong was never promoted on the way to being cancelled: one email, the cancellation.
    assert [m.subject for m in mail.outbox if m.to == [wong.email]] == [
        "Registration cancelled: IP Seminar"
    ]


def test_the_action_menu_never_runs_an_action_even_with_confirm_in_its_post(
    organiser_client, full_seminar
):
    chan, wong, lee = full_seminar

    menu_post(organiser_client, "cancel_registrations", [chan], confirm="yes")
    organiser_client.get(
        reverse(CHANGELIST),
        {"action": "cancel_registrations", "_selected_action": chan.pk, "confirm": "yes"},
    )

    assert statuses(chan, wong, lee) == [Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    assert not Notification.objects.exists()


def test_cancel_says_when_nobody_waits_for_the_freed_seat_and_skips_the_cancelled(
    organiser_client,
):
    seminar = SeminarFactory(capacity=5, title_en="IP Seminar")
    confirmed = RegistrationFactory(seminar=seminar)
    cancelled = RegistrationFactory(seminar=seminar, status=Status.CANCELLED)

    text = page_text(menu_post(organiser_client, "cancel_registrations", [confirmed, cancelled]))

    assert "Nobody is promoted from the waitlist of “IP Seminar”." in text
    assert "1 selected registration is already cancelled and is left alone." in text


def test_a_selection_with_nothing_to_change_offers_no_button(organiser_client):
    cancelled = RegistrationFactory(status=Status.CANCELLED)

    response = menu_post(organiser_client, "cancel_registrations", [cancelled])

    assert "Nothing to do: none of the selected registrations would change." in page_text(response)
    assert 'name="confirm"' not in response.content.decode()


def test_resend_asks_first_saying_which_email_goes_to_how_many(
    organiser_client, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory(capacity=2)
    confirmed = RegistrationFactory.create_batch(2, seminar=seminar)
    waiting = RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    cancelled = RegistrationFactory(seminar=seminar, status=Status.CANCELLED)
    selection = [*confirmed, waiting, cancelled]

    text = page_text(menu_post(organiser_client, "resend_details", selection))
    nothing_yet = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        confirm_post(organiser_client, "resend_details", selection)

    assert "These 3 registrants will be emailed their details again:" in text
    assert (
        "2 confirmation emails with the joining details, one to each confirmed registrant." in text
    )
    assert "1 email with their place on the waitlist, to the waitlisted registrant." in text
    assert "1 selected registration is cancelled: nothing is sent for it." in text
    assert nothing_yet == 0
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    ("action", "attended", "heading"),
    [
        ("mark_attended", True, "This confirmed registration will be marked as attended:"),
        ("mark_not_attended", False, "This confirmed registration will be marked as not attended:"),
    ],
)
def test_attendance_actions_ask_first_and_send_no_email(
    organiser_client, action, attended, heading
):
    seminar = SeminarFactory(capacity=5)
    confirmed = RegistrationFactory(seminar=seminar, name_en="HO Ho Yin")
    already = RegistrationFactory(seminar=seminar, attended=attended)
    waiting = RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    selection = [confirmed, already, waiting]

    text = page_text(menu_post(organiser_client, action, selection))
    unchanged = Registration.objects.get(pk=confirmed.pk).attended
    confirm_post(organiser_client, action, selection)

    assert f"{heading} HO Ho Yin" in text
    assert "No email is sent." in text
    assert "1 selected registration is not confirmed and is left alone." in text
    assert "1 selected registration already says so and stays as it is." in text
    assert unchanged is None
    assert Registration.objects.get(pk=confirmed.pk).attended is attended
    assert Registration.objects.get(pk=waiting.pk).attended is None


def test_confirm_from_waitlist_warns_when_seats_run_short(organiser_client):
    seminar = SeminarFactory(capacity=2, title_en="IP Seminar")
    RegistrationFactory(seminar=seminar)
    waiting = RegistrationFactory.create_batch(2, seminar=seminar, status=Status.WAITLISTED)

    text = page_text(menu_post(organiser_client, "confirm_from_waitlist", waiting))

    assert "These 2 waitlisted registrations are selected to be confirmed:" in text
    assert "will be confirmed" not in text
    assert (
        "“IP Seminar” has 1 free seat for 2 selected registrations: unless you tick “Allow over "
        "capacity”, only the first is confirmed and the others stay on the waitlist. Ticking it "
        "confirms all 2 and raises the capacity to fit." in text
    )
    assert "Without “Allow over capacity”: 1 email saying a seat is now theirs" in text
    assert "With “Allow over capacity” ticked: 2 emails saying a seat is now theirs" in text


def test_confirm_from_a_full_seminar_says_nobody_is_confirmed_without_the_box(
    organiser_client, full_seminar
):
    _, wong, _ = full_seminar

    text = page_text(menu_post(organiser_client, "confirm_from_waitlist", [wong]))

    assert "This waitlisted registration is selected to be confirmed:" in text
    assert "will be confirmed" not in text
    assert "the others" not in text
    assert (
        "“IP Seminar” is full: unless you tick “Allow over capacity”, nobody can be confirmed "
        "and the selected registration stays on the waitlist. Ticking it confirms the "
        "registration and raises the capacity by 1 to fit." in text
    )
    assert "Without “Allow over capacity”: No email is sent." in text
    assert "With “Allow over capacity” ticked: 1 email saying a seat is now theirs" in text


def test_confirm_from_the_waitlist_with_free_seats_promises_each_a_seat(organiser_client):
    seminar = SeminarFactory(capacity=5, title_en="IP Seminar")
    waiting = RegistrationFactory.create_batch(2, seminar=seminar, status=Status.WAITLISTED)

    text = page_text(menu_post(organiser_client, "confirm_from_waitlist", waiting))

    assert "These 2 waitlisted registrations will be confirmed:" in text
    assert "2 emails saying a seat is now theirs, with the joining details, one to each" in text
    assert "Allow over capacity”:" not in text


def test_select_all_across_pages_carries_the_filters_to_the_confirmation(organiser_client):
    seminar, other = SeminarFactory(capacity=10), SeminarFactory(capacity=10)
    mine = RegistrationFactory.create_batch(3, seminar=seminar)
    elsewhere = RegistrationFactory(seminar=other)
    url = reverse(CHANGELIST) + f"?seminar__id__exact={seminar.pk}"

    question = menu_post(organiser_client, "cancel_registrations", mine[:1], url, select_across=1)
    form = question.content.decode()
    confirm_post(organiser_client, "cancel_registrations", mine[:1], url, select_across=1)

    assert "These 3 registrations will be cancelled:" in page_text(question)
    assert f'action="{url}"' in form
    assert '<input type="hidden" name="select_across" value="1">' in form
    assert statuses(*mine, elsewhere) == [Status.CANCELLED] * 3 + [Status.CONFIRMED]


def test_confirmation_page_query_count_does_not_grow_with_the_selection(
    organiser_client, django_assert_num_queries
):
    small = SeminarFactory(capacity=2)
    few = RegistrationFactory.create_batch(2, seminar=small)
    RegistrationFactory.create_batch(2, seminar=small, status=Status.WAITLISTED)
    large = SeminarFactory(capacity=40)
    many = RegistrationFactory.create_batch(40, seminar=large)
    RegistrationFactory.create_batch(20, seminar=large, status=Status.WAITLISTED)
    menu_post(organiser_client, "cancel_registrations", few)  # warm the session caches

    with django_assert_num_queries(8) as small_queries:
        menu_post(organiser_client, "cancel_registrations", few)
    with django_assert_num_queries(len(small_queries)):
        response = menu_post(organiser_client, "cancel_registrations", many)

    assert "these 20 people will be confirmed" in page_text(response)


def test_the_confirmation_page_has_breadcrumbs_back_to_the_list(organiser_client, full_seminar):
    chan = full_seminar[0]

    response = menu_post(organiser_client, "cancel_registrations", [chan])

    crumbs = response.content.decode().split('<ol class="breadcrumbs">')[1].split("</ol>")[0]
    assert reverse("admin:index") in crumbs
    assert reverse(CHANGELIST) in crumbs
    assert '<li aria-current="page">Cancel registrations</li>' in crumbs
