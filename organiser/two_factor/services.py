"""Setting up, checking, and removing a staff member's second factor.

A staff member has at most one confirmed authenticator app (a django-otp TOTPDevice) and one set
of recovery codes (a StaticDevice holding RECOVERY_CODE_COUNT single-use tokens). Wrong codes are
counted per device by django-otp, which makes each next try wait twice as long; the count must
survive the refusal, so no check here runs inside a transaction that the refusal rolls back.
"""

import math
import re
import time

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .errors import (
    ALREADY_ENROLLED,
    CODE_USED,
    NOT_ENROLLED,
    TooManyWrongCodes,
    TwoFactorError,
)

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# What the superuser's reset writes in the user's history (the admin's own log, which shows it
# as it is stored, so in English).
RESET_LOG_MESSAGE = "Two-factor authentication reset (lost device): the user sets it up again."
_SEPARATORS = re.compile(r"[\s-]+")


def code_normalise(code: str) -> str:
    """Codes as people type them: spaces and dashes dropped, letters in lower case."""
    return _SEPARATORS.sub("", code).lower()


def totp_device_confirmed(*, user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_factor_enrolled(*, user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(*, user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def totp_device_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The app being set up, not yet confirmed: the same one on every visit, so a reload keeps
    the secret the person may already have scanned."""
    if two_factor_enrolled(user=user):
        raise TwoFactorError(ALREADY_ENROLLED)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _device_verify(*, user: AbstractBaseUser, device: Device, code: str) -> None:
    allowed, refusal = device.verify_is_allowed()
    if not allowed:
        wait = (refusal["locked_until"] - timezone.now()).total_seconds()
        raise TooManyWrongCodes(seconds=max(1, math.ceil(wait)))
    if verify_token(user, device.persistent_id, code) is None:
        raise TwoFactorError(CODE_USED if _app_code_used_already(device, code) else None)


def _app_code_used_already(device: Device, code: str) -> bool:
    """Whether a refused app code is right but was used already (django-otp takes each code
    once): the person then needs the next code, not another try of this one."""
    if not isinstance(device, TOTPDevice) or not code.isdigit():
        return False
    device.refresh_from_db(fields=["last_t", "drift"])
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(int(code), device.tolerance, 0) and totp.t() <= device.last_t


def totp_device_confirm(*, user: AbstractBaseUser, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app being set up with a first code from it; returns the device and the new
    recovery codes (in plain text, to be shown once)."""
    device = totp_device_start(user=user)
    _device_verify(user=user, device=device, code=code_normalise(code))
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        codes = recovery_codes_regenerate(user=user)
    return device, codes


def two_factor_check(*, user: AbstractBaseUser, code: str) -> Device:
    """The device that accepts `code`: the app for 6 digits, else the recovery codes (a recovery
    code works once). Raises TwoFactorError, or TooManyWrongCodes while a device must wait."""
    app = totp_device_confirmed(user=user)
    if app is None:
        raise TwoFactorError(NOT_ENROLLED)
    code = code_normalise(code)
    if code.isdigit():
        device = app
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise TwoFactorError()
    _device_verify(user=user, device=device, code=code)
    return device


@transaction.atomic
def recovery_codes_regenerate(*, user: AbstractBaseUser) -> list[str]:
    """A fresh set of single-use recovery codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    device.throttle_reset()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if not code.isdigit():  # digits alone are taken for the app's code
            codes.add(code)
    ordered = sorted(codes)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in ordered)
    return ordered


@transaction.atomic
def two_factor_remove(*, user: AbstractBaseUser) -> None:
    """Remove the app and the recovery codes: the person may set up a new app."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def two_factor_remove_own(*, user: AbstractBaseUser, code: str) -> None:
    """A staff member removes their own second factor, proving they hold it with a code first."""
    two_factor_check(user=user, code=code)
    two_factor_remove(user=user)


@transaction.atomic
def two_factor_reset(*, user: AbstractBaseUser, by: AbstractBaseUser) -> None:
    """A superuser's reset for someone who lost their phone, written to the user's history.

    Their sessions lose the verification with the device; they set up a new app at their next
    staff page when two-factor is required, or may leave it when it is not."""
    two_factor_remove(user=user)
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=RESET_LOG_MESSAGE,
        single_object=True,
    )
