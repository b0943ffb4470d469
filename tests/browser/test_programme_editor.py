"""An organiser builds a small seminar on one page, keyboard first: three sessions with their
speakers (one of them new, added through the "+" popup) and two bodies, saved once; the public
page then shows the programme. The test also counts what the organiser typed or chose and the
admin pages loaded, the "after" figures in docs/programme-editor.md."""

import re

import pytest
from django.contrib.auth import get_user_model

from seminar.models import Seminar
from tests.browser.test_accessibility import admin_violations
from tests.factories import (
    OrganisationFactory,
    SeminarFactory,
    SeminarPartnerFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SESSIONS = [
    ("Welcome remarks", "opening", "14:30", "14:45", "WONG"),
    ("IP trading in the Greater Bay Area", "talk", "14:45", "15:30", None),  # the new speaker
    ("Closing remarks", "closing", "15:30", "15:40", "WONG"),
]


class Effort:
    """What the organiser does: inputs filled or chosen, admin pages loaded (popups too)."""

    def __init__(self, page) -> None:
        self.inputs = 0
        self.loads = []
        page.context.on("request", self._request)

    def _request(self, request) -> None:
        page_load = request.resource_type == "document" and request.method == "GET"
        if page_load and "/admin/" in request.url and "/login/" not in request.url:
            self.loads.append(request.url)

    def type(self, locator, text: str) -> None:
        locator.focus()
        locator.page.keyboard.type(text)
        self.inputs += 1

    def choose(self, locator, value: str) -> None:
        locator.focus()
        locator.select_option(value)
        self.inputs += 1

    def autocomplete(self, page, select_id: str, search: str) -> None:
        # The select2 combobox that holds the container: it takes the focus and opens on Enter.
        page.locator(f"#select2-{select_id}-container").locator("xpath=..").focus()
        page.keyboard.press("Enter")
        # Type only once the search box is open: keys pressed before it has the focus are lost.
        search_box = page.locator(".select2-container--open .select2-search__field")
        search_box.wait_for()
        search_box.press_sequentially(search)
        page.locator(".select2-results__option--highlighted", has_text=search).wait_for(
            timeout=30_000
        )
        page.keyboard.press("Enter")
        self.inputs += 1


def press(page, link_text: str, nth: int = 0) -> None:
    """Follow an "Add another" link with the keyboard."""
    name = re.compile(f"^{re.escape(link_text)}$", re.IGNORECASE)
    page.get_by_role("link", name=name).locator("visible=true").nth(nth).focus()
    page.keyboard.press("Enter")


def log_in(page, live_server) -> None:
    get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-boss-42")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-boss-42")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def test_a_small_seminar_is_built_on_one_page_and_published(page, live_server):
    OrganisationFactory(name_en="Intellectual Property Department")
    OrganisationFactory(name_en="Hong Kong Trade Development Council")
    SpeakerFactory(name_en="WONG Ka Yan")
    log_in(page, live_server)
    effort = Effort(page)

    page.goto(f"{live_server.url}/admin/seminar/seminar/add/")
    effort.type(page.locator("#id_title_en"), "IP and SMEs 2031")
    effort.type(page.locator("#id_starts_at_0"), "2031-08-12")
    effort.type(page.locator("#id_starts_at_1"), "14:30")
    effort.type(page.locator("#id_ends_at_0"), "2031-08-12")
    effort.type(page.locator("#id_ends_at_1"), "16:00")
    effort.choose(page.locator("#id_status"), Seminar.Status.PUBLISHED)
    for index, (title, kind, start, end, speaker) in enumerate(SESSIONS):
        press(page, "Add another session")
        prefix = f"id_sessions-{index}-"
        effort.type(page.locator(f"#{prefix}start_time"), start)
        effort.type(page.locator(f"#{prefix}end_time"), end)
        if kind != "talk":
            effort.choose(page.locator(f"#{prefix}kind"), kind)
        effort.type(page.locator(f"#{prefix}title_en"), title)
        page.locator(f"#sessions-{index}").get_by_role("link", name="Add another speaker").focus()
        page.keyboard.press("Enter")
        select_id = f"{prefix}session_speakers-0-speaker"
        if speaker:
            effort.autocomplete(page, select_id, speaker)
            continue
        with page.expect_popup() as popup_info:
            page.locator(f"#add_{select_id}").focus()
            page.keyboard.press("Enter")
        popup = popup_info.value
        popup.wait_for_load_state()
        effort.type(popup.locator("#id_name_en"), "CHEN Fang")
        effort.type(popup.locator("#id_job_title_en"), "Patent attorney")
        popup.locator("input[name=_save]").focus()
        popup.keyboard.press("Enter")
        popup.wait_for_event("close")
        assert page.locator(f"#select2-{select_id}-container").inner_text().startswith("CHEN")
        effort.inputs += 1  # choosing the new speaker is done by the popup; count it anyway
    for index, name in enumerate(["Intellectual", "Hong Kong Trade"]):
        press(page, "Add another organising or supporting body")
        effort.autocomplete(page, f"id_partners-{index}-organisation", name)
    effort.choose(page.locator("#id_partners-1-role"), "co_organiser")
    assert admin_violations(page) == []
    page.locator("input[name=_continue]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".messagelist")

    seminar = Seminar.objects.get(title_en="IP and SMEs 2031")
    assert page.url.endswith(f"/admin/seminar/seminar/{seminar.pk}/change/")
    public = page.context.new_page()
    public.goto(f"{live_server.url}/seminars/{seminar.slug}/")
    text = public.locator("main").inner_text()
    for title, *_rest in SESSIONS:
        assert title in text
    assert "CHEN Fang" in text and "WONG Ka Yan" in text
    assert "Hong Kong Trade Development Council" in text
    print(f"\nsmall seminar, after: {effort.inputs} inputs, {len(effort.loads)} page loads")
    # Seminar boxes (6) + sessions (3 x 2 times + 3 titles + 2 kinds) + speakers (2 chosen, 1
    # new: 2 boxes and its choice) + bodies (2 chosen, 1 role).
    assert effort.inputs == 6 + 11 + 5 + 3
    # The add page, the speaker popup, the seminar's page after saving.
    assert len(effort.loads) == 3


def strict_violations(page) -> list[str]:
    """Every serious or critical axe finding, the packages' markup included: the seminar's page
    needs none of test_accessibility.THIRD_PARTY_MARKUP's allowances."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


FOCUS_IN_ROW = "row => document.activeElement?.closest('.djn-inline-form')?.id === row"


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_seminar_page_with_a_programme_passes_axe_with_rows_added(page, live_server, language):
    seminar = SeminarFactory()
    session = SessionFactory(seminar=seminar, starts_at=seminar.starts_at)
    SessionSpeakerFactory(session=session)
    SeminarPartnerFactory(seminar=seminar)
    log_in(page, live_server)
    prefix = {"en": "", "zh-hant": "/zh-hant"}[language]
    page.goto(f"{live_server.url}{prefix}/admin/seminar/seminar/{seminar.pk}/change/")
    words = {
        "en": (
            "Add another session",
            "Add another speaker",
            "Add another organising or supporting body",
        ),
        "zh-hant": ("新增另一個環節", "新增另一個講者", "新增另一個主辦或支持機構"),
    }[language]

    # Each "Add another …" by keyboard; the focus lands in the new row's first box.
    # The script moves the focus once the row is drawn: wait for it rather than read at once.
    press(page, words[0])
    page.wait_for_function("document.activeElement.id === 'id_sessions-1-start_time'")
    page.locator("#sessions-1").get_by_role("link", name=words[1]).focus()
    page.keyboard.press("Enter")
    page.wait_for_function(FOCUS_IN_ROW, arg="sessions-1-session_speakers-0")
    press(page, words[2])
    page.wait_for_function(FOCUS_IN_ROW, arg="partners-1")

    assert page.locator("#modeltranslation-main-switch").get_attribute("aria-label")
    assert strict_violations(page) == []


def test_speaker_and_partner_rows_fit_a_360px_phone(browser, live_server):
    seminar = SeminarFactory()
    session = SessionFactory(seminar=seminar, starts_at=seminar.starts_at)
    SessionSpeakerFactory(session=session)
    SeminarPartnerFactory(seminar=seminar)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server)

    page.goto(f"{live_server.url}/admin/seminar/seminar/{seminar.pk}/change/")

    overflowing = page.evaluate(
        """[...document.querySelectorAll('.djn-inline-form *')]
            .filter(element => element.getBoundingClientRect().right > 360)
            .map(element => element.tagName + '.' + element.className)"""
    )
    context.close()
    assert overflowing == []
