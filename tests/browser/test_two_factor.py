"""Staff two-factor sign-in in Chromium: check-in staff setting it up and signing in on a 360 px
phone, the code step by keyboard alone, and the new pages axe-clean in the three languages."""

import time
from base64 import b32decode

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from registrations.permissions import CHECK_IN_STAFF, ORGANISERS, groups_ensure
from seminar.models import Seminar
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot, serious_violations
from tests.factories import SeminarFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-staff-password"


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True


@pytest.fixture
def seminar():
    return SeminarFactory(
        format=Seminar.Format.IN_PERSON, starts_at=timezone.now(), title_en="IP Day"
    )


def staff(name: str, group: str):
    from django.contrib.auth import get_user_model

    groups_ensure()
    user = get_user_model().objects.create_user(name, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def code_for_secret(secret_text: str, steps: int = 0) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    secret = secret_text.replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def code_for_user(user, steps: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key)
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def session_cookie(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def no_sideways_scroll(page) -> bool:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return width <= viewport


def test_check_in_staff_set_up_and_sign_in_on_a_360px_phone(page, live_server, seminar):
    door = staff("door", CHECK_IN_STAFF)
    check_in = f"{live_server.url}/check-in/{seminar.slug}/"
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(check_in)
    page.fill("#id_username", "door")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.locator(".two-factor-qr").wait_for()
    screenshot(page, "two-factor-set-up-360")
    assert no_sideways_scroll(page)
    page.fill("#id_code", code_for_secret(page.inner_text(".two-factor-secret")))
    page.press("#id_code", "Enter")
    page.locator(".two-factor-codes").wait_for()
    assert page.locator(".two-factor-codes li").count() == 10
    assert no_sideways_scroll(page)
    page.get_by_role("link", name="I have kept them: continue").click()

    page.locator("#id_q").wait_for()
    assert page.url == check_in
    # Next shift: password, then the code from the app, straight back to the door.
    page.context.clear_cookies()
    page.goto(check_in)
    page.fill("#id_username", "door")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.locator("#id_code").wait_for()
    assert no_sideways_scroll(page)
    screenshot(page, "two-factor-code-360")
    page.fill("#id_code", code_for_user(door, steps=1))
    page.press("#id_code", "Enter")
    page.locator("#id_q").wait_for()
    assert page.url == check_in


def test_the_code_step_by_keyboard_alone(page, live_server):
    from organiser.two_factor.services import recovery_codes_regenerate

    organiser = staff("organiser", ORGANISERS)
    TOTPDevice.objects.create(user=organiser, name="app", confirmed=True)
    recovery_codes_regenerate(user=organiser)
    page.context.add_cookies([session_cookie(live_server, organiser)])
    page.goto(live_server.url + "/admin/")

    # The code field has the focus as the page opens: type, Enter, and a wrong code is
    # answered next to the field, which keeps the focus for the next try.
    assert page.evaluate("document.activeElement.id") == "id_code"
    page.keyboard.type("999999")
    page.keyboard.press("Enter")
    page.locator("#id_code_error").wait_for()
    page.focus("#id_code")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+A")
    page.wait_for_timeout(1100)  # django-otp's wait after one wrong code is a second
    page.keyboard.type(code_for_user(organiser))
    page.keyboard.press("Enter")

    page.wait_for_url(live_server.url + "/admin/")
    assert page.locator("#user-tools").is_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_two_factor_pages_are_axe_clean(page, live_server, language, settings):
    organiser = staff("organiser", ORGANISERS)
    base = live_server.url + PREFIX[language] + "/admin/two-factor/"
    page.context.add_cookies([session_cookie(live_server, organiser)])

    page.goto(base + "set-up/")
    set_up = serious_violations(page)
    page.fill("#id_code", "1")
    page.press("#id_code", "Enter")
    page.locator("#id_code_error").wait_for()
    set_up_error = serious_violations(page)
    page.wait_for_timeout(1100)
    page.fill("#id_code", code_for_secret(page.inner_text(".two-factor-secret")))
    page.press("#id_code", "Enter")
    page.locator(".two-factor-codes").wait_for()
    codes = serious_violations(page)
    page.goto(base)
    overview = serious_violations(page)
    page.context.clear_cookies()
    page.context.add_cookies([session_cookie(live_server, organiser)])
    page.goto(base + "code/")
    code = serious_violations(page)

    settings.STAFF_TWO_FACTOR_REQUIRED = False  # the superuser goes straight to the users
    boss = staff("boss", ORGANISERS)
    boss.is_superuser = True
    boss.save()
    page.context.clear_cookies()
    page.context.add_cookies([session_cookie(live_server, boss)])
    page.goto(live_server.url + PREFIX[language] + "/admin/auth/user/")
    page.check(f'input[name="_selected_action"][value="{organiser.pk}"]')
    page.select_option('select[name="action"]', "two_factor_reset_action")
    page.click('button[name="index"]')
    page.locator('input[name="confirm"]').wait_for(state="attached")
    reset_question = serious_violations(page)

    assert page.locator("html").get_attribute("lang") == language
    found = {
        "set-up": set_up,
        "set-up with an error": set_up_error,
        "recovery codes": codes,
        "overview": overview,
        "code": code,
        "reset question": reset_question,
    }
    assert found == {name: [] for name in found}
