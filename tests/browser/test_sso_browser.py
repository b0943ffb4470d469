"""Single sign-on in Chromium, keyboard only on a 360 px phone: check-in staff sent to sign in
come back to the door; the pages are axe-clean in each language."""

import pytest

from registrations.permissions import groups_ensure
from seminar.models import Seminar
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot
from tests.browser.test_accessibility import admin_violations
from tests.factories import SeminarFactory
from tests.organiser.sso import conftest as sso_fixtures
from tests.organiser.sso.provider import DOOR_GROUP

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 740}
# The single sign-on tests' provider and settings, shared rather than copied.
provider = sso_fixtures.provider
sso = sso_fixtures.sso


def tab_to(page, text: str, presses: int = 30) -> None:
    """Press Tab until the focused element reads `text`, as a keyboard user would."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"{text!r} cannot be reached with Tab")


@pytest.fixture
def door(sso, settings):
    groups_ensure()
    settings.STAFF_PASSWORD_LOGIN = False
    return SeminarFactory(status="published", format=Seminar.Format.IN_PERSON)


@pytest.mark.parametrize("language", LANGUAGES)
def test_check_in_staff_sign_in_by_keyboard_and_return_to_the_door(
    page, live_server, sso, door, language
):
    sso.person_set("door-1", email="door@ipd.example", groups=[DOOR_GROUP])
    button = {
        "en": "Sign in with your department account",
        "zh-hant": "以部門帳戶登入",
        "zh-hans": "以部门账户登录",
    }[language]
    page.set_viewport_size(PHONE)
    wanted = f"{live_server.url}{PREFIX[language]}/check-in/{door.slug}/"

    page.goto(wanted)
    page.wait_for_url("**/admin/login/**")
    assert page.locator("#login-form").count() == 0
    violations = admin_violations(page)
    login_language = page.locator("html").get_attribute("lang")
    screenshot(page, f"sso-login-{language}")
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tab_to(page, button)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{sso.issuer}/**")
    # The provider's form puts the focus in its field (autofocus) once loaded: type after that,
    # or the first keys go nowhere and someone else (with no role) signs in.
    page.wait_for_function("document.activeElement?.id === 'subject-input'")
    page.keyboard.type("door-1")
    page.keyboard.press("Enter")
    page.wait_for_url(wanted)

    assert violations == []
    assert fits
    assert login_language == language
    # Signed in and at the door: the check-in search is there.
    assert page.locator("input[name='q']").count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_refusal_page_is_axe_clean_in_each_language(page, live_server, sso, door, language):
    sso.person_set("visitor-1", email="visitor@ipd.example", groups=["/finance"])
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{PREFIX[language]}/admin/login/")
    page.click("a[href^='/sso/start/']")
    page.wait_for_url(f"{sso.issuer}/**")
    page.fill("#subject-input", "visitor-1")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sso/callback/**")
    screenshot(page, f"sso-refused-{language}")

    assert page.locator("html").get_attribute("lang") == language
    assert admin_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
