"""Changing the email address on the registrant's page: neutral, confirmed by the new address,
announced to the old one, audited, and undone by nothing but a confirmation link."""

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils.html import escape

from registrations.delivery import notification_deliver
from registrations.errors import EmailChangeAddressTaken, EmailChangeLinkInvalid
from registrations.models import AuditEntry, Notification, Registration
from registrations.services import registration_create, registration_email_confirm
from registrations.tokens import EMAIL_CHANGE_LINK_HOURS
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    registration_data,
    registration_post_data,
)

Kind = Notification.Kind
pytestmark = pytest.mark.django_db
OLD = "tai.man.chan@example.com"
NEW = "tm.chan@newmail.example.com"
LINK = re.compile(r"http://testserver-site(/r/confirm-email/[^/\s]+/)")


def edit_url(registration: Registration) -> str:
    return reverse("registrations:edit", kwargs={"token": registration.token})


def email_change_ask(client, registration: Registration, email: str, capture, **details):
    with capture(execute=True):
        return client.post(
            edit_url(registration), registration_post_data(email=email, **details), follow=True
        )


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def messages_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


@pytest.fixture
def registration() -> Registration:
    return registration_create(seminar=SeminarFactory(), data=registration_data(email=OLD))


def test_new_address_gets_a_link_old_address_is_told_and_nothing_changes_yet(
    client, registration, django_capture_on_commit_callbacks
):
    response = email_change_ask(client, registration, NEW, django_capture_on_commit_callbacks)

    registration.refresh_from_db()
    assert registration.email == OLD
    assert registration.email_pending == NEW
    (confirm,) = messages_to(NEW)
    (notice,) = messages_to(OLD)
    assert confirm.subject.startswith("Confirm your email address")
    assert notice.subject.startswith("A change of email address was requested")
    assert "We have sent a confirmation link to the new email address." in (
        response.content.decode()
    )
    assert f"Change to {NEW} waiting for confirmation" in response.content.decode()


def test_link_to_the_new_address_carries_no_private_link_or_personal_details(
    client, registration, django_capture_on_commit_callbacks
):
    email_change_ask(client, registration, NEW, django_capture_on_commit_callbacks)

    (confirm,) = messages_to(NEW)
    (html, _mimetype), *_ = confirm.alternatives
    for content in (confirm.body, html):
        assert registration.token not in content
        assert "CHAN Tai Man" not in content
        assert "+852 2961 6901" not in content
        assert "Harbour Trading" not in content
    assert confirm.attachments == []


def test_notice_to_the_old_address_does_not_name_the_new_one(
    client, registration, django_capture_on_commit_callbacks
):
    email_change_ask(client, registration, NEW, django_capture_on_commit_callbacks)

    (notice,) = messages_to(OLD)
    assert NEW not in notice.body
    assert "takes effect only when the new address confirms it" in notice.body
    assert registration.token in notice.body  # the registrant of record can check their page


def test_the_page_answers_the_same_whether_or_not_the_new_address_is_registered(
    client, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, email="taken@example.com")
    first = registration_create(seminar=seminar, data=registration_data(email="a@example.com"))
    second = registration_create(seminar=seminar, data=registration_data(email="b@example.com"))
    capture = django_capture_on_commit_callbacks

    taken = email_change_ask(client, first, "TAKEN@example.com", capture)
    free = email_change_ask(client, second, "free@example.com", capture)

    def notices(response):
        return [str(message) for message in response.context["messages"]]

    assert notices(taken) == notices(free)
    assert taken.redirect_chain[-1][1] == free.redirect_chain[-1][1] == 302
    assert len(messages_to("TAKEN@example.com")) == len(messages_to("free@example.com")) == 1
    assert Registration.objects.get(pk=first.pk).email == "a@example.com"


def test_opening_the_link_asks_first_and_only_a_post_changes_the_address(
    client, registration, django_capture_on_commit_callbacks
):
    email_change_ask(client, registration, NEW, django_capture_on_commit_callbacks)
    link = link_in(messages_to(NEW)[0])
    mail.outbox.clear()

    page = client.get(link)
    still_old = Registration.objects.get(pk=registration.pk).email
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link)

    registration.refresh_from_db()
    assert "Confirm this email address" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    assert still_old == OLD
    assert registration.email == NEW
    assert (registration.email_pending, registration.email_pending_since) == ("", None)
    assert f"Done: we now write to {NEW}." in confirmed.content.decode()
    # The details, with the private link, now go to the new address.
    (details,) = messages_to(NEW)
    assert details.subject.startswith("Registration confirmed")
    assert registration.token in details.body


def test_the_request_and_the_confirmation_are_audited(
    client, registration, django_capture_on_commit_callbacks
):
    email_change_ask(client, registration, NEW, django_capture_on_commit_callbacks)
    client.post(link_in(messages_to(NEW)[0]))

    entries = {
        entry.action: entry.details
        for entry in AuditEntry.objects.filter(registration=registration)
    }
    assert entries[AuditEntry.Action.EMAIL_REQUESTED] == {"email": {"from": OLD, "to": NEW}}
    assert entries[AuditEntry.Action.EMAIL_CONFIRMED] == {"email": {"from": OLD, "to": NEW}}


def test_other_details_save_at_once_beside_an_email_change(
    client, registration, django_capture_on_commit_callbacks
):
    response = email_change_ask(
        client, registration, NEW, django_capture_on_commit_callbacks, organisation="New Co."
    )

    registration.refresh_from_db()
    assert registration.organisation == "New Co."
    assert registration.email == OLD
    saved, sent = (str(message) for message in response.context["messages"])
    assert saved == "Your changes have been saved."
    assert sent.startswith("We have sent a confirmation link")


def test_the_link_works_once(client, registration, django_capture_on_commit_callbacks):
    email_change_ask(client, registration, NEW, django_capture_on_commit_callbacks)
    link = link_in(messages_to(NEW)[0])
    client.post(link)

    again = client.post(link)

    assert escape(str(EmailChangeLinkInvalid.message)) in again.content.decode()
    assert Registration.objects.get(pk=registration.pk).email == NEW


def test_a_newer_request_replaces_the_earlier_link(
    client, registration, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    email_change_ask(client, registration, "first@example.com", capture)
    email_change_ask(client, registration, "second@example.com", capture)

    earlier = client.post(link_in(messages_to("first@example.com")[0]))

    assert escape(str(EmailChangeLinkInvalid.message)) in earlier.content.decode()
    assert Registration.objects.get(pk=registration.pk).email == OLD
    client.post(link_in(messages_to("second@example.com")[0]))
    assert Registration.objects.get(pk=registration.pk).email == "second@example.com"


def test_the_link_expires(client, registration, django_capture_on_commit_callbacks):
    email_change_ask(client, registration, NEW, django_capture_on_commit_callbacks)
    token = link_in(messages_to(NEW)[0]).split("/")[-2]
    since = Registration.objects.get(pk=registration.pk).email_pending_since
    too_late = since + timedelta(hours=EMAIL_CHANGE_LINK_HOURS, minutes=1)

    with pytest.raises(EmailChangeLinkInvalid):
        registration_email_confirm(token=token, now=too_late)
    assert Registration.objects.get(pk=registration.pk).email == OLD
    in_time = since + timedelta(hours=EMAIL_CHANGE_LINK_HOURS - 1)
    assert registration_email_confirm(token=token, now=in_time).email == NEW


def test_confirming_an_address_registered_meanwhile_says_so_to_its_holder(
    client, registration, django_capture_on_commit_callbacks
):
    email_change_ask(client, registration, NEW, django_capture_on_commit_callbacks)
    RegistrationFactory(seminar=registration.seminar, email=NEW.upper())

    response = client.post(link_in(messages_to(NEW)[0]))

    assert escape(str(EmailChangeAddressTaken.message)) in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).email == OLD


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps({"registration": 1, "email": NEW, "since": "x"}, salt="another-purpose"),
        signing.dumps({"registration": 1, "email": NEW}, salt="registrations.email-change"),
    ],
    ids=["not-signed", "signed-for-something-else", "signed-but-incomplete"],
)
def test_foreign_or_forged_links_change_nothing(client, registration, token):
    response = client.post(reverse("registrations:email_confirm", kwargs={"token": token}))

    assert response.status_code == 200
    assert escape(str(EmailChangeLinkInvalid.message)) in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).email == OLD


def test_a_tampered_link_changes_nothing(client, registration, django_capture_on_commit_callbacks):
    email_change_ask(client, registration, NEW, django_capture_on_commit_callbacks)
    link = link_in(messages_to(NEW)[0])
    tampered = link.replace("/r/confirm-email/", "/r/confirm-email/x", 1)

    response = client.post(tampered)

    assert escape(str(EmailChangeLinkInvalid.message)) in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).email == OLD


def test_the_notice_goes_to_the_old_address_even_when_sent_after_the_change(
    client, registration, django_capture_on_commit_callbacks
):
    # The worker is behind: the change is confirmed before the notice goes out.
    with django_capture_on_commit_callbacks(execute=False):
        client.post(edit_url(registration), registration_post_data(email=NEW))
    confirm = registration.notifications.get(kind=Kind.EMAIL_CONFIRM)
    notice = registration.notifications.get(kind=Kind.EMAIL_CHANGE_NOTICE)
    notification_deliver(notification_id=confirm.pk)
    client.post(link_in(messages_to(NEW)[0]))

    notification_deliver(notification_id=notice.pk)

    assert messages_to(OLD)[0].subject.startswith("A change of email address was requested")
    assert Registration.objects.get(pk=registration.pk).email == NEW


def test_a_link_for_an_address_since_replaced_is_not_sent(client, registration):
    client.post(edit_url(registration), registration_post_data(email="first@example.com"))
    client.post(edit_url(registration), registration_post_data(email="second@example.com"))
    first = registration.notifications.get(kind=Kind.EMAIL_CONFIRM, recipient="first@example.com")
    Notification.objects.filter(pk=first.pk).update(status=Notification.Status.PENDING)
    mail.outbox.clear()

    delivered = notification_deliver(notification_id=first.pk)

    assert delivered.status == Notification.Status.SKIPPED
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("prefix", "saved", "sent"),
    [
        ("", "Your changes have been saved.", "We have sent a confirmation link"),
        ("/zh-hant", "你的變更已儲存。", "我們已把確認連結發送到新的電郵地址。"),
        ("/zh-hans", "你的更改已保存。", "我们已把确认链接发送到新的电子邮件地址。"),
    ],
)
def test_saving_details_says_so_on_the_registrants_page_in_each_language(
    client, registration, prefix, saved, sent
):
    url = f"{prefix}/r/{registration.token}/edit/"

    plain = client.post(url, registration_post_data(email=OLD, job_title="CEO"), follow=True)
    with_email = client.post(url, registration_post_data(email=NEW, job_title="CEO"), follow=True)

    assert saved in plain.content.decode()
    assert sent not in plain.content.decode()
    assert sent in with_email.content.decode()
    assert saved not in with_email.content.decode()  # only the email changed, and it has not yet
