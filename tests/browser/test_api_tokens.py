"""The API token admin on a 360 px phone with the keyboard alone, in each language: a token is
made and its secret appears once, on a page of its own that a reload empties; it is revoked
after a question, from its page or from the list, also without JavaScript; axe finds nothing
serious on any of these pages."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from api.models import ApiToken
from api.tokens import api_token_create, api_token_digest, api_token_used
from tests.browser.conftest import CHROMIUM_ARGS, LANGUAGES, PREFIX, screenshot
from tests.browser.test_accessibility import admin_violations

pytestmark = pytest.mark.django_db(transaction=True)
# How many lines each element's text takes.
LINES = """cells => cells.map(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
})"""
PASSWORD = "pw-token-42"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("mei.ling", password=PASSWORD, is_staff=True)


def _sign_in(page, prefix: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{prefix}/admin/login/")
    page.fill("#id_username", "mei.ling")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{prefix}/admin/")


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_token_is_made_and_copied_with_the_keyboard_on_a_phone(
    page, live_server, staff, language
):
    prefix = live_server.url + PREFIX[language]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _sign_in(page, prefix)
    page.goto(f"{prefix}/admin/api/apitoken/add/")
    page.focus("#id_name")
    page.keyboard.type("CRM sync")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url(f"{prefix}/admin/api/apitoken/*/created/")
    secret = page.input_value("#api-token-secret")
    assert ApiToken.objects.get().digest == api_token_digest(secret)
    assert secret not in page.url
    page.focus("#api-token-secret")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "api-token-copy"
    page.keyboard.press("Enter")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    box = page.locator("#api-token-secret").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    _fits_the_phone(page)
    screenshot(page, f"api-token-created-{language}")
    assert admin_violations(page) == []
    # A reload is a GET of the same page: no second token, and the secret is gone.
    page.reload()
    assert page.locator("#api-token-gone").is_visible()
    assert page.locator("#api-token-secret").count() == 0
    assert secret not in page.content()
    assert ApiToken.objects.count() == 1
    _fits_the_phone(page)
    screenshot(page, f"api-token-shown-once-{language}")
    assert admin_violations(page) == []
    page.focus("#api-token-gone ~ .submit-row a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{prefix}/admin/api/apitoken/")
    assert admin_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_token_list_shows_its_useful_columns_on_a_phone(page, live_server, staff, language):
    for n, name in enumerate(["CRM sync", "Website registrations export", "Door app"]):
        expires = timezone.now() + timedelta(days=90) if n else None
        token, _raw = api_token_create(user=staff, name=name, expires_at=expires)
        if n != 1:
            api_token_used(token=token)
    prefix = live_server.url + PREFIX[language]
    _sign_in(page, prefix)
    page.goto(f"{prefix}/admin/api/apitoken/")
    for column in ("name", "state_column", "last_used_column", "expires_list_column"):
        box = page.locator(f"#result_list th.column-{column}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, column
    # Readable: no word broken inside; a state on one line, a date and its time on two at most.
    most_lines = {"state_column": 1, "last_used_column": 2, "expires_list_column": 2}
    for column, lines in most_lines.items():
        assert max(page.eval_on_selector_all(f"td.field-{column}", LINES)) <= lines, column
    screenshot(page, f"api-token-list-{language}")
    assert admin_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_token_is_revoked_after_a_question_with_the_keyboard_on_a_phone(
    page, live_server, staff, language
):
    token, _raw = api_token_create(user=staff, name="CRM sync")
    prefix = live_server.url + PREFIX[language]
    change = f"{prefix}/admin/api/apitoken/{token.pk}/change/"
    _sign_in(page, prefix)
    page.goto(change)
    page.focus("input[name=_save]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')").endswith(
        f"/admin/api/apitoken/{token.pk}/revoke/"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(f"{prefix}/admin/api/apitoken/{token.pk}/revoke/")
    assert "CRM sync" in page.locator("#content-main").inner_text()
    token.refresh_from_db()
    assert token.revoked_at is None
    _fits_the_phone(page)
    screenshot(page, f"api-token-revoke-{language}")
    assert admin_violations(page) == []
    page.focus("#content-main input[type=submit]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == (
        f"{PREFIX[language]}/admin/api/apitoken/{token.pk}/change/"
    )
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(change)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert LogEntry.objects.get(object_id=str(token.pk)).user == staff
    assert admin_violations(page) == []


def test_tokens_are_revoked_without_javascript(browser, live_server, staff):
    tokens = [api_token_create(user=staff, name=name)[0] for name in ("CRM sync", "Door app")]
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    admin = f"{live_server.url}/admin/api/apitoken/"
    try:
        _sign_in(page, live_server.url)
        # From the list: tick, choose the action, Run, then answer the question.
        page.goto(admin)
        for checkbox in page.locator("input[name=_selected_action]").all():
            checkbox.check()
        page.select_option("select[name=action]", "revoke_selected")
        page.click("button[name=index]")
        assert "Revoke 2 API tokens?" in page.content()
        assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
        _fits_the_phone(page)
        page.click("#content-main input[type=submit]")
        page.wait_for_url(admin)
        assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
        # From a token's page (a new one): the link, the question, the answer.
        token, _raw = api_token_create(user=staff, name="Report")
        page.goto(f"{admin}{token.pk}/change/")
        page.click(f"a[href$='/{token.pk}/revoke/']")
        page.click("#content-main input[type=submit]")
        page.wait_for_url(f"{admin}{token.pk}/change/")
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert CHROMIUM_ARGS  # the same Chromium as the other browser tests
    finally:
        context.close()
    assert LogEntry.objects.count() == len(tokens) + 1
