"""Series on the public pages in a real browser: the newest edition lists the past ones, an older
edition points to the newest; a draft's preview for organisers; axe-clean in every language, at
360 px, by keyboard alone."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from registrations.demo import demo_load
from registrations.permissions import VIEWERS, groups_ensure
from seminar.models import Seminar
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot, serious_violations
from tests.factories import SeminarFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_past_editions_read_and_work_by_keyboard_on_a_phone(page, live_server):
    # One demo for the three languages: loading it is most of this test's time.
    demo_load(password="demo-pass-123")
    upcoming = Seminar.objects.get(
        slug__endswith="-gd-hk-ip-sme-seminar-online", starts_at__gt=timezone.now()
    )
    page.set_viewport_size({"width": 360, "height": 800})
    for language in LANGUAGES:
        page.goto(f"{live_server.url}{PREFIX[language]}/seminars/{upcoming.slug}/")

        links = page.locator(".past-editions a")
        assert links.count() == 2
        newest_findings = serious_violations(page)
        screenshot(page, f"editions-{language}-newest")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # Keyboard only: tab to the first past edition and follow it.
        first_href = links.first.get_attribute("href")
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('href')") == first_href:
                break
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{first_href}")
        pointer = page.locator(".newer-edition a")
        assert pointer.get_attribute("href") == f"{PREFIX[language]}/seminars/{upcoming.slug}/"
        older_findings = serious_violations(page)
        screenshot(page, f"editions-{language}-older")

        assert newest_findings == [], language
        assert older_findings == [], language


@pytest.mark.parametrize("language", LANGUAGES)
def test_draft_preview_is_marked_and_accessible_on_a_phone(
    page, live_server, django_user_model, language
):
    groups_ensure()
    user = django_user_model.objects.create_user("previewer", password="pw-see-42", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWERS))
    SeminarFactory(slug="draft-preview", status=Seminar.Status.DRAFT)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "previewer")
    page.fill("#id_password", "pw-see-42")
    page.click("input[type=submit]")
    page.set_viewport_size({"width": 360, "height": 800})

    page.goto(f"{live_server.url}{PREFIX[language]}/seminars/draft-preview/")

    assert page.locator(".draft-preview").is_visible()
    assert page.locator(".registration-box button[disabled]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"editions-{language}-draft-preview")
    assert serious_violations(page) == []
