"""Making an API token in the admin on a 360 px phone with the keyboard alone, in each language:
the secret appears once in a box that fits the screen, the Copy button works, axe finds nothing
serious."""

import pytest

from api.models import ApiToken
from api.tokens import api_token_digest
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot
from tests.browser.test_accessibility import admin_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_token_is_made_and_copied_with_the_keyboard_on_a_phone(
    page, live_server, django_user_model, language
):
    django_user_model.objects.create_user("mei.ling", password="pw-token-42", is_staff=True)
    prefix = live_server.url + PREFIX[language]
    page.set_viewport_size({"width": 360, "height": 740})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{prefix}/admin/login/")
    page.fill("#id_username", "mei.ling")
    page.fill("#id_password", "pw-token-42")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{prefix}/admin/")
    page.goto(f"{prefix}/admin/api/apitoken/add/")
    page.focus("#id_name")
    page.keyboard.type("CRM sync")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_selector("#api-token-secret")
    secret = page.input_value("#api-token-secret")
    assert ApiToken.objects.get().digest == api_token_digest(secret)
    page.focus("#api-token-secret")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "api-token-copy"
    page.keyboard.press("Enter")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    box = page.locator("#api-token-secret").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"api-token-created-{language}")
    assert admin_violations(page) == []
    page.goto(f"{prefix}/admin/api/apitoken/")
    assert admin_violations(page) == []
