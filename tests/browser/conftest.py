"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download is not used (it cannot be fetched here): the tests need
/usr/bin/chromium (Debian package `chromium`), which .ci/run installs. Without it they are
skipped with a message saying so. Screenshots go to test-artifacts/screenshots/ (ignored by git);
the few the README shows go to docs/screenshots/ and are committed, so every run keeps them current.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
README_SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LANGUAGES = ["en", "zh-hant", "zh-hans"]
PREFIX = {"en": "", "zh-hant": "/zh-hant", "zh-hans": "/zh-hans"}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason=f"browser tests need Chromium at {CHROMIUM}: `apt-get install chromium` "
        "(as .ci/run does) or set CHROMIUM to its path"
    )
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own database setup
    # is synchronous code that Django would otherwise refuse to run beside it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    # Playwright fills a form in milliseconds, which the bot trap would take for a bot.
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    # Generous: the live server shares two cores with the other test worker, and a big admin
    # save (a seminar with its programme and change notices) has taken over 10 s under that load.
    # A wait that succeeds returns at once, so only a real failure takes longer to report.
    page.set_default_timeout(25_000)
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(f"{page.url}: {message.text[:60]}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    # Anything the Content Security Policy blocked is a broken feature for a real visitor.
    assert blocked == []


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def readme_screenshot(page, name: str) -> Path:
    """What the visitor sees first (the viewport, not the whole page), small enough to commit."""
    README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = README_SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
    return path


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def demo_question_ids(slug: str) -> tuple[str, str]:
    """The element ids of the demo seminar's required questions: the declaration's checkbox and
    the first choice of "How will you attend?"."""
    from registrations.models import Question

    questions = Question.objects.filter(seminar__slug=slug)
    declaration = questions.get(kind=Question.Kind.DECLARATION)
    attend = questions.get(kind=Question.Kind.CHOICE, required=True)
    return f"id_question_{declaration.pk}", f"id_question_{attend.pk}_0"


def demo_questions_answer(page, slug: str) -> None:
    """Answer the demo seminar's required questions, as a registrant must."""
    for element_id in demo_question_ids(slug):
        page.check(f"#{element_id}")
