from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registrations.errors import DuplicateRegistration, RegistrationRefused
from registrations.models import Notification, Registration
from registrations.services import registration_create
from seminar.models import RegistrationState
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    registration_admin_data,
    registration_data,
    registration_post_data,
)

Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


def test_admin_cancel_action_frees_the_seat_for_the_first_waitlisted(organiser_client):
    seminar = SeminarFactory(capacity=1)
    confirmed = registration_create(seminar=seminar, data=registration_data(email="a@example.com"))
    waiting = registration_create(seminar=seminar, data=registration_data(email="b@example.com"))

    response = organiser_client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "cancel_registrations", "_selected_action": [confirmed.pk], "confirm": "yes"},
        follow=True,
    )

    assert "1 registration cancelled." in response.content.decode()
    assert Registration.objects.get(pk=confirmed.pk).status == Status.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED


def test_admin_capacity_increase_promotes_the_waitlist(
    organiser_client, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory(capacity=1)
    registration_create(seminar=seminar, data=registration_data(email="a@example.com"))
    waiting = registration_create(seminar=seminar, data=registration_data(email="b@example.com"))
    url = reverse("admin:seminar_seminar_change", args=[seminar.pk])
    form = organiser_client.get(url).context["adminform"].form
    data = seminar_form_post_data(form, capacity=2)

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED
    assert [m.to for m in mail.outbox if m.subject.startswith("A seat")] == [[waiting.email]]
    seminar.refresh_from_db()
    assert seminar.seats_taken == 2


def raise_capacity(client, seminar, capacity: int):
    url = reverse("admin:seminar_seminar_change", args=[seminar.pk])
    form = client.get(url).context["adminform"].form
    response = client.post(url, seminar_form_post_data(form, capacity=capacity), follow=True)
    return [str(message) for message in response.context["messages"]]


def test_admin_capacity_increase_says_who_was_promoted(organiser_client):
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar)
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED, name_en="WONG Ka Yan")
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED, name_en="LEE Siu Ming")

    messages = raise_capacity(organiser_client, seminar, 2)

    assert (
        "1 person was promoted from the waitlist and emailed that a seat is theirs: WONG Ka Yan."
        in messages
    )


def test_admin_capacity_increase_names_the_first_few_when_many_are_promoted(organiser_client):
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar)
    for n in range(1, 9):
        RegistrationFactory(seminar=seminar, status=Status.WAITLISTED, name_en=f"WAITING {n}")

    messages = raise_capacity(organiser_client, seminar, 20)

    assert (
        "8 people were promoted from the waitlist and emailed that a seat is theirs: "
        "WAITING 1, WAITING 2, WAITING 3, WAITING 4, WAITING 5 and 3 more." in messages
    )


def test_admin_save_without_promotions_says_nothing_about_the_waitlist(organiser_client):
    seminar = SeminarFactory(capacity=1)

    messages = raise_capacity(organiser_client, seminar, 2)

    assert not any("waitlist" in message for message in messages)


def test_admin_capacity_below_confirmed_count_is_refused_with_a_message(organiser_client):
    seminar = SeminarFactory(capacity=5)
    for n in range(3):
        registration_create(seminar=seminar, data=registration_data(email=f"p{n}@example.com"))
    url = reverse("admin:seminar_seminar_change", args=[seminar.pk])
    form = organiser_client.get(url).context["adminform"].form

    response = organiser_client.post(url, seminar_form_post_data(form, capacity=2))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["capacity"]
    assert errors == [
        "3 registrations are confirmed; capacity cannot be lower. "
        "Cancel registrations first if you need fewer seats."
    ]
    seminar.refresh_from_db()
    assert seminar.capacity == 5


def test_admin_add_registration_goes_through_the_booking_service(organiser_client):
    seminar = SeminarFactory(capacity=0)
    data = registration_admin_data(seminar=seminar)

    response = organiser_client.post(reverse("admin:registrations_registration_add"), data)

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Status.WAITLISTED  # capacity still applies
    assert registration.source == Registration.Source.ADMIN


def test_admin_add_registration_with_a_registered_email_shows_an_error(organiser_client):
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, email="taken@example.com")
    data = registration_admin_data(seminar=seminar, email="Taken@Example.com")

    response = organiser_client.post(reverse("admin:registrations_registration_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "This email address is already registered."
    ]
    assert Registration.objects.count() == 1


def test_admin_cannot_change_status_by_editing_or_delete_registrations(organiser_client):
    registration = RegistrationFactory()
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    response = organiser_client.get(url)

    form = response.context["adminform"].form
    assert "status" not in form.fields
    assert "consent_at" not in form.fields
    delete_url = reverse("admin:registrations_registration_delete", args=[registration.pk])
    assert organiser_client.get(delete_url).status_code == 403


def test_admin_registration_list_filters_and_searches(organiser_client):
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, name_en="LAM Mei Ling", region="macao")
    RegistrationFactory(seminar=seminar, name_en="HO Ho Yin", region="hong_kong")
    url = reverse("admin:registrations_registration_changelist")

    by_region = organiser_client.get(url, {"region__exact": "macao"})
    by_search = organiser_client.get(url, {"q": "Ho Yin"})

    assert [r.name_en for r in by_region.context["cl"].result_list] == ["LAM Mei Ling"]
    assert [r.name_en for r in by_search.context["cl"].result_list] == ["HO Ho Yin"]


def test_admin_pages_for_the_programme_render(organiser_client):
    seminar = SeminarFactory()

    for name in ("seminar", "session", "speaker", "organisation"):
        assert organiser_client.get(reverse(f"admin:seminar_{name}_changelist")).status_code == 200
        assert organiser_client.get(reverse(f"admin:seminar_{name}_add")).status_code == 200
    page = organiser_client.get(reverse("admin:seminar_seminar_change", args=[seminar.pk]))
    assert "jquery-ui/jquery-ui.min" in page.content.decode()  # served locally, no CDN


def seminar_form_post_data(form, **changes) -> dict:
    """The change form as the browser would submit it, with the inlines' empty management forms."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "isoformat"):
            local = timezone.localtime(value)
            data[f"{name}_0"] = local.strftime("%Y-%m-%d")
            data[f"{name}_1"] = local.strftime("%H:%M:%S")
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    data.update(changes)
    for prefix in ("sessions", "partners", "email_texts"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def test_admin_add_when_the_last_seat_goes_meanwhile_says_so_instead_of_failing(organiser_client):
    seminar = SeminarFactory(capacity=1, waitlist_enabled=False)
    data = registration_admin_data(seminar=seminar)
    url = reverse("admin:registrations_registration_add")
    # The form saw a free seat; someone takes it before the save.
    with mock.patch(
        "organiser.admin.registrations.registration_create",
        side_effect=RegistrationRefused(RegistrationState.FULL),
    ):
        response = organiser_client.post(url, data, follow=True)

    assert response.status_code == 200
    assert "Sorry, this seminar is full" in response.content.decode()
    assert not Registration.objects.exists()


def test_admin_email_change_applies_at_once_and_sends_no_alarming_notice(organiser_client):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    data = registration_post_data(email="new.address@example.com", organisation="New Name Ltd.")

    response = organiser_client.post(url, data, follow=True)

    registration.refresh_from_db()
    assert response.status_code == 200
    assert (registration.email, registration.email_pending) == ("new.address@example.com", "")
    assert registration.organisation == "New Name Ltd."
    assert not registration.notifications.filter(
        kind__in=[Notification.Kind.EMAIL_CONFIRM, Notification.Kind.EMAIL_CHANGE_NOTICE]
    ).exists()


def test_admin_email_change_to_a_registered_address_is_refused_by_the_field(organiser_client):
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, email="taken@example.com")
    registration = registration_create(seminar=seminar, data=registration_data())
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    response = organiser_client.post(url, registration_post_data(email="TAKEN@example.com"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [DuplicateRegistration.message]
    registration.refresh_from_db()
    assert registration.email == "tai.man.chan@example.com"


def test_admin_cannot_redirect_an_email_to_another_address(organiser_client):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())
    notification = registration.notifications.get()
    url = reverse("admin:registrations_notification_change", args=[notification.pk])

    page = organiser_client.get(url).content.decode()

    assert 'name="recipient"' not in page
    assert 'name="registration"' not in page


@pytest.mark.parametrize(
    ("prefix", "heading"), [("", "Log in"), ("/zh-hant", "登入"), ("/zh-hans", "登录")]
)
def test_the_sign_in_page_has_one_main_heading_in_each_language(client, prefix, heading):
    # axe's page-has-heading-one: Django's login page has none of its own.
    html = client.get(f"{prefix}/admin/login/").content.decode()
    assert html.count("<h1") == 1
    assert f"<h1>{heading}</h1>" in html
