"""An organiser imports a real Zoom report in a browser: upload, check the preview, confirm,
then revert after the question. Each page passes axe-core and fits a 360 px phone."""

import pytest
from django.contrib.auth.models import Group

from registrations.models import Registration
from registrations.permissions import ORGANISERS, groups_ensure
from tests.browser.conftest import screenshot, serious_violations
from tests.factories import REPORTS, seminar_with_report_cast

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, django_user_model) -> None:
    groups_ensure()
    user = django_user_model.objects.create_user("importer", password="pw-import-42", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "importer")
    page.fill("#id_password", "pw-import-42")
    page.click("input[type=submit]")


@pytest.mark.parametrize("width", [1280, 360])
def test_organiser_previews_confirms_and_reverts_an_import(
    browser, live_server, django_user_model, width
):
    seminar = seminar_with_report_cast()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    findings, widths = {}, {}

    def check(name: str) -> None:
        findings[name] = serious_violations(page)
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, f"attendance-import-{width}-{name}")

    log_in(page, live_server, django_user_model)
    page.goto(f"{live_server.url}/admin/seminar/seminar/{seminar.pk}/import-attendance/")
    assert not page.is_checked("#id_mark_absent")
    check("upload")
    page.set_input_files("#id_report", str(REPORTS / "zoom_webinar_attendee_report.csv"))
    page.check("#id_mark_absent")
    page.get_by_role("button", name="Check the report").click()
    page.wait_for_selector("#will-attend")
    check("preview")
    assert Registration.objects.filter(attended__isnull=False).count() == 0

    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_selector("#past-imports")
    check("history")
    tai_man = Registration.objects.get(email="tai.man@harbour-trading.example.hk")
    assert (tai_man.attended, tai_man.minutes_online) == (True, 141)

    page.get_by_role("link", name="Revert…").click()
    page.wait_for_selector("#revert-steps")
    check("revert")
    page.get_by_role("button", name="Yes, revert this import").click()
    page.wait_for_selector("text=Reverted on")
    context.close()

    assert Registration.objects.filter(attended__isnull=False).count() == 0
    problems = {name: found for name, found in findings.items() if found}
    assert problems == {}, "\n".join(f"{name}: {found}" for name, found in problems.items())
    assert widths == dict.fromkeys(findings, width)
