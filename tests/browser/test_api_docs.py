"""The API's documentation page (/api/v1/docs/) in a real browser: it renders the whole schema
from the packaged Swagger UI, offline, with nothing blocked by the site's Content Security
Policy (the `page` fixture fails on any violation), and axe-core finds nothing serious that is
ours to fix."""

import pytest

from tests.browser.conftest import screenshot, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

# Findings inside Swagger UI's own widgets, which we cannot change from outside (docs/api.md,
# "The documentation page"): each operation's summary is a button that holds another button
# (copy the path to the clipboard).
SWAGGER_UI_OWN = {"nested-interactive"}


def test_the_docs_page_renders_offline_under_the_csp(page, live_server):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock-tag", timeout=15_000)
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert any("seminars" in tag for tag in tags)
    assert page.locator(".opblock").count() >= 7
    assert page.title() == "Seminar registration API"
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "api-docs")
    assert [url for url in outside if not url.startswith("data:")] == []


def test_the_docs_page_passes_axe_where_it_is_ours(page, live_server):
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock-tag", timeout=15_000)
    page.locator(".opblock-summary-control").first.click()  # one operation opened
    page.wait_for_selector(".opblock-body", timeout=5_000)
    found = serious_violations(page)
    print("axe on /api/v1/docs/:", found)
    assert [line for line in found if line.split(" ")[0] not in SWAGGER_UI_OWN] == []
