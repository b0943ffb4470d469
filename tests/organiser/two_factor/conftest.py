"""Staff accounts and authenticator codes for the two-factor tests."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from organiser.two_factor.services import recovery_codes_regenerate, totp_device_start
from registrations.permissions import ORGANISERS, groups_ensure

PASSWORD = "a-long-staff-password"


def app_code(device: TOTPDevice, steps: int = 0) -> str:
    """The code the person's app shows now, or `steps` periods of 30 seconds later (a code
    is accepted once, so a second sign-in in one test takes the next period's)."""
    # The app knows nothing of the drift the server learns: it shows the code of the time.
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def wait_is_over(device) -> None:
    """As if the person took longer than the wait django-otp sets after a wrong code."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


def staff_user(django_user_model, name="organiser", group=ORGANISERS, **fields):
    groups_ensure()
    user = django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """An app set up and recovery codes made, as the set-up page leaves them, but without
    spending a code of the app: the test's own sign-in may use the code of the moment, whatever
    the clock (tests of the set-up itself go through totp_device_confirm or the page)."""
    device = totp_device_start(user=user)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.refresh_from_db()
    return device, recovery_codes_regenerate(user=user)


def password_sign_in(client, user, next_url="/admin/"):
    return client.post(
        reverse("admin:login"),
        {"username": user.get_username(), "password": PASSWORD, "next": next_url},
    )


@pytest.fixture
def organiser(django_user_model):
    return staff_user(django_user_model)


@pytest.fixture
def required(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True


@pytest.fixture
def optional(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = False
