"""The dashboard's daily digest button and its count of people waiting for registration to open;
the read-only list of those people in the admin."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from registrations.models import DigestSubscription, OpeningAlert
from registrations.permissions import ORGANISERS, VIEWERS, groups_ensure
from tests.factories import SeminarFactory

pytestmark = pytest.mark.django_db


def staff(group: str | None, *, email: str = "staff@example.gov.hk"):
    groups_ensure()
    user = get_user_model().objects.create_user(
        f"staff-{group}", email=email, password="pw", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def dashboard(seminar, prefix: str = "") -> str:
    # A request leaves its language active in this thread; the prefix says which one to use.
    with translation.override("en"):
        path = reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": seminar.pk})
    return prefix + path


@pytest.fixture
def seminar():
    return SeminarFactory(title_en="IP Seminar")


@pytest.mark.parametrize("group", [ORGANISERS, VIEWERS])
def test_whoever_may_see_the_dashboard_can_start_the_digest_in_the_admins_language(
    client, seminar, group
):
    client.force_login(staff(group))

    response = client.post(dashboard(seminar, "/zh-hant"), {"daily_digest": "start"}, follow=True)

    page = response.content.decode()
    subscription = DigestSubscription.objects.get()
    assert subscription.language == "zh-hant"
    assert "staff@example.gov.hk" in page  # the confirmation names where it goes
    assert "停止每日摘要" in page  # the button now stops it


def test_staff_who_may_not_see_the_dashboard_cannot_start_the_digest(client, seminar):
    client.force_login(staff(None))

    response = client.post(dashboard(seminar), {"daily_digest": "start"})

    assert response.status_code == 403
    assert not DigestSubscription.objects.exists()


def test_anonymous_visitors_get_the_login_page_and_no_digest(client, seminar):
    response = client.post(dashboard(seminar), {"daily_digest": "start"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not DigestSubscription.objects.exists()


def test_the_button_says_an_email_address_is_needed(client, seminar):
    client.force_login(staff(ORGANISERS, email=""))

    page = client.get(dashboard(seminar)).content.decode()
    refused = client.post(dashboard(seminar), {"daily_digest": "start"}, follow=True)

    assert "your account has none" in page
    assert 'disabled aria-describedby="digest-needs-email"' in page
    assert "Your account has no email address" in refused.content.decode()
    assert not DigestSubscription.objects.exists()


def test_the_digest_can_be_stopped(client, seminar):
    user = staff(ORGANISERS)
    client.force_login(user)
    client.post(dashboard(seminar), {"daily_digest": "start"})

    page = client.post(dashboard(seminar), {"daily_digest": "stop"}, follow=True)

    assert not DigestSubscription.objects.exists()
    assert "The daily digest of this seminar has stopped." in page.content.decode()
    assert 'value="start"' in page.content.decode()


def test_the_digests_language_can_be_changed_from_the_admin_in_another_language(client, seminar):
    client.force_login(staff(ORGANISERS))
    client.post(dashboard(seminar), {"daily_digest": "start"})

    page = client.get(dashboard(seminar, "/zh-hans")).content.decode()
    client.post(dashboard(seminar, "/zh-hans"), {"daily_digest": "language"})

    assert "改用简体中文发送" in page
    assert DigestSubscription.objects.get().language == "zh-hans"


def test_the_dashboard_counts_people_waiting_for_registration_to_open(client):
    seminar = SeminarFactory(registration_opens_at=timezone.now() + timedelta(days=3))
    for number in range(3):
        OpeningAlert.objects.create(
            seminar=seminar, email=f"w{number}@example.com", consent_at=timezone.now()
        )
    OpeningAlert.objects.filter(email="w0@example.com").update(
        attempts=1, sending_since=timezone.now(), last_error="SMTPRecipientsRefused"
    )
    client.force_login(staff(ORGANISERS))

    page = client.get(dashboard(seminar)).content.decode()

    assert "3 people asked to be emailed when registration opens." in page
    assert "Sending failed for 1 of them." in page
    list_url = reverse("admin:registrations_openingalert_changelist")
    assert f'href="{list_url}?seminar__id__exact={seminar.pk}"' in page


def test_organisers_see_the_waiting_list_read_only(client, seminar):
    alert = OpeningAlert.objects.create(
        seminar=seminar,
        email="waiting@example.com",
        consent_at=timezone.now(),
        attempts=2,
        sending_since=timezone.now(),
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    client.force_login(staff(ORGANISERS))
    changelist = reverse("admin:registrations_openingalert_changelist")

    listing = client.get(f"{changelist}?seminar__id__exact={seminar.pk}").content.decode()
    detail = client.get(
        reverse("admin:registrations_openingalert_change", args=[alert.pk])
    ).content.decode()

    assert "Failed: will be tried again" in listing
    assert "waiting@<wbr>example.com" in listing
    assert reverse("admin:registrations_openingalert_add") not in listing
    assert "Connection unexpectedly closed" in detail
    assert 'name="_save"' not in detail
