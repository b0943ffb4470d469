"""The check-in page in Chromium: by search at 360 px, by a QR code held up to a (fake) camera,
keyboard only, and axe-clean in the three languages."""

import pytest
import segno
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from registrations.models import Registration
from registrations.permissions import CHECK_IN_STAFF, groups_ensure
from seminar.models import Seminar
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LANGUAGES,
    PREFIX,
    screenshot,
    serious_violations,
)
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seminar():
    seminar = SeminarFactory(
        format=Seminar.Format.IN_PERSON,
        starts_at=timezone.now(),
        title_en="IP Day",
        title_zh_hant="知識產權日",
        title_zh_hans="知识产权日",
    )
    RegistrationFactory(seminar=seminar, name_en="LEE Siu Ming", organisation="Kowloon Design")
    return seminar


def staff_cookie(live_server) -> dict:
    groups_ensure()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("door", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=CHECK_IN_STAFF))
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def page_url(live_server, seminar, language="en") -> str:
    return live_server.url + PREFIX[language] + f"/check-in/{seminar.slug}/"


def test_check_in_by_search_on_a_360px_phone(page, live_server, seminar):
    chan = RegistrationFactory(
        seminar=seminar, name_en="CHAN Tai Man", name_zh="陳大文", organisation="Harbour Ltd"
    )
    page.context.add_cookies([staff_cookie(live_server)])
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(page_url(live_server, seminar))

    page.fill("#id_q", "陳大")  # search as you type: no button pressed
    page.get_by_role("button", name="CHAN Tai Man").click()

    page.locator(".checkin-banner").get_by_text("Checked in", exact=True).wait_for()
    screenshot(page, "checkin-search-360")
    assert page.locator("#checkin-counts").inner_text().strip() == "Checked in: 1 of 2"
    chan.refresh_from_db()
    assert chan.checked_in_at is not None
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]


def test_check_in_by_keyboard_alone(page, live_server, seminar):
    chan = RegistrationFactory(seminar=seminar, name_en="CHAN Tai Man")
    page.context.add_cookies([staff_cookie(live_server)])
    page.goto(page_url(live_server, seminar))

    page.focus("#id_q")
    page.keyboard.type("chan")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="CHAN Tai Man").wait_for()
    page.keyboard.press("Tab")  # from the search button to the first result
    page.keyboard.press("Tab")
    # Past the typing's debounce: pressing Enter cancelled that search and a late answer is
    # dropped, so nothing re-renders the results under the focused button (it used to, and
    # Enter then pressed nothing).
    page.wait_for_timeout(400)
    assert "CHAN Tai Man" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")

    page.locator(".checkin-banner").get_by_text("Checked in", exact=True).wait_for()
    chan.refresh_from_db()
    assert chan.checked_in_at is not None
    # The tapped button was re-rendered away: focus is on the banner's heading, not on <body>.
    assert page.evaluate("document.activeElement.id") == "checkin-headline"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").find("checkin-undo") >= 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_check_in_page_is_axe_clean(page, live_server, seminar, language):
    waitlisted = RegistrationFactory(seminar=seminar, status=Registration.Status.WAITLISTED)
    page.context.add_cookies([staff_cookie(live_server)])
    page.goto(page_url(live_server, seminar, language) + "?q=lee")
    page.fill("#id_code", waitlisted.checkin_code)
    page.press("#id_code", "Enter")
    page.locator(".checkin-stop").wait_for()

    assert serious_violations(page) == []
    page.goto(live_server.url + PREFIX[language] + f"/check-in/{seminar.slug}/walk-in/")
    assert serious_violations(page) == []


def y4m_of_qr(text: str, path, size: int = 480) -> None:
    """A short video of a QR code on white: what Chromium's fake camera plays in a loop."""
    matrix = segno.make(text, error="m", micro=False).matrix
    modules = len(matrix) + 8
    scale = size // modules
    offset = (size - scale * len(matrix)) // 2
    luma = bytearray([235]) * (size * size)
    for row, line in enumerate(matrix):
        for column, dark in enumerate(line):
            if dark:
                for y in range(offset + row * scale, offset + (row + 1) * scale):
                    start = y * size + offset + column * scale
                    luma[start : start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (size // 2 * size // 2 * 2)
    header = f"YUV4MPEG2 W{size} H{size} F10:1 Ip A1:1 C420jpeg\n".encode()
    with open(path, "wb") as video:
        video.write(header)
        for _ in range(10):
            video.write(b"FRAME\n" + bytes(luma) + chroma)


def test_check_in_by_a_qr_code_held_up_to_the_camera(
    browser, live_server, seminar, tmp_path, settings
):
    settings.SITE_URL = live_server.url
    registration = RegistrationFactory(seminar=seminar, name_en="CAMERA Person")
    video = tmp_path / "qr.y4m"
    y4m_of_qr(registration.checkin_code, video)
    arguments = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    # A browser of its own (the shared one has no fake camera), from the same Playwright.
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=arguments)
    try:
        context = camera_browser.new_context(viewport={"width": 360, "height": 740})
        context.grant_permissions(["camera"])
        context.add_cookies([staff_cookie(live_server)])
        page = context.new_page()
        blocked = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else 0)
        page.goto(page_url(live_server, seminar))

        page.get_by_role("button", name="Scan a QR code").click()
        page.locator(".checkin-banner").get_by_text("CAMERA Person").wait_for(timeout=15_000)

        # The code stays in front of the camera (the fake video loops): it is not sent again,
        # and the fresh "Checked in" banner with its Undo stays.
        page.wait_for_timeout(7_000)
        headline = page.locator(".checkin-headline").inner_text()
        undo_shown = page.locator(".checkin-undo").is_visible()
        screenshot(page, "checkin-camera-360")
    finally:
        camera_browser.close()

    assert headline.strip() == "Checked in"
    assert undo_shown
    assert blocked == []
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
