"""Setting up an app, checking codes, recovery codes, throttling, removing and resetting."""

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from organiser.two_factor.errors import (
    ALREADY_ENROLLED,
    CODE_USED,
    WRONG_CODE,
    TooManyWrongCodes,
    TwoFactorError,
)
from organiser.two_factor.services import (
    RECOVERY_CODE_COUNT,
    RESET_LOG_MESSAGE,
    recovery_codes_left,
    recovery_codes_regenerate,
    totp_device_confirm,
    totp_device_start,
    two_factor_check,
    two_factor_enrolled,
    two_factor_remove_own,
    two_factor_reset,
)

from .conftest import app_code, enrol, staff_user, wait_is_over

pytestmark = pytest.mark.django_db


def test_set_up_keeps_the_same_secret_until_confirmed(organiser):
    first = totp_device_start(user=organiser)

    again = totp_device_start(user=organiser)

    assert again.key == first.key
    assert not two_factor_enrolled(user=organiser)


def test_a_first_code_confirms_the_app_and_makes_ten_single_use_recovery_codes(organiser):
    device = totp_device_start(user=organiser)

    confirmed, codes = totp_device_confirm(user=organiser, code=app_code(device))

    assert confirmed.pk == device.pk
    assert two_factor_enrolled(user=organiser)
    assert len(set(codes)) == RECOVERY_CODE_COUNT == 10
    assert recovery_codes_left(user=organiser) == 10


def test_a_wrong_first_code_leaves_the_app_unconfirmed(organiser):
    device = totp_device_start(user=organiser)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    with pytest.raises(TwoFactorError) as refused:
        totp_device_confirm(user=organiser, code=wrong)

    assert refused.value.message == WRONG_CODE
    assert not two_factor_enrolled(user=organiser)


def test_set_up_is_refused_once_an_app_is_confirmed(organiser):
    enrol(organiser)

    with pytest.raises(TwoFactorError) as refused:
        totp_device_start(user=organiser)

    assert refused.value.message == ALREADY_ENROLLED


def test_the_apps_code_is_accepted_once(organiser):
    device, _codes = enrol(organiser)
    code = app_code(device)

    accepted = two_factor_check(user=organiser, code=code)

    assert accepted.pk == device.pk
    with pytest.raises(TwoFactorError) as refused:
        two_factor_check(user=organiser, code=code)
    # Typed again at once (a second tab, signing straight back in): told to wait for the next
    # code rather than that it is wrong.
    assert refused.value.message == CODE_USED


def test_a_recovery_code_works_once_typed_as_people_type_it(organiser):
    _device, codes = enrol(organiser)
    typed = f" {codes[0][:4].upper()}-{codes[0][4:]} "

    two_factor_check(user=organiser, code=typed)

    assert recovery_codes_left(user=organiser) == 9
    with pytest.raises(TwoFactorError):
        two_factor_check(user=organiser, code=codes[0])


def test_new_recovery_codes_make_the_old_ones_fail(organiser):
    _device, old = enrol(organiser)

    new = recovery_codes_regenerate(user=organiser)

    assert set(new).isdisjoint(old)
    assert StaticToken.objects.filter(token__in=old).count() == 0
    with pytest.raises(TwoFactorError):
        two_factor_check(user=organiser, code=old[1])
    wait_is_over(StaticDevice.objects.get(user=organiser))
    two_factor_check(user=organiser, code=new[1])


def test_wrong_codes_in_a_row_make_even_the_right_code_wait(organiser):
    device, _codes = enrol(organiser)
    for _ in range(3):
        with pytest.raises(TwoFactorError):
            two_factor_check(user=organiser, code="1")
        wait_is_over(device)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now())

    with pytest.raises(TooManyWrongCodes) as refused:
        two_factor_check(user=organiser, code=app_code(device))

    device.refresh_from_db()
    assert device.throttling_failure_count == 3
    assert refused.value.seconds == 4  # 1, 2, 4 seconds after 1, 2, 3 wrong codes


def test_removing_your_own_app_needs_a_code(organiser):
    device, _codes = enrol(organiser)

    with pytest.raises(TwoFactorError):
        two_factor_remove_own(user=organiser, code="123")
    wait_is_over(device)
    two_factor_remove_own(user=organiser, code=app_code(device))

    assert not two_factor_enrolled(user=organiser)
    assert recovery_codes_left(user=organiser) == 0


def test_a_superusers_reset_removes_the_app_and_is_in_the_users_history(
    organiser, django_user_model
):
    enrol(organiser)
    boss = staff_user(django_user_model, "boss", is_superuser=True)

    two_factor_reset(user=organiser, by=boss)

    assert not two_factor_enrolled(user=organiser)
    entry = LogEntry.objects.get(object_id=str(organiser.pk))
    assert (entry.user, entry.change_message) == (boss, RESET_LOG_MESSAGE)
