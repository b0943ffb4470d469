"""An organiser's bulk actions in a real browser: the question before a cancellation or an
email passes axe-core, works from the keyboard, and the registration list fits 1280 px."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from registrations.models import Registration
from registrations.services import registration_attendance_set, registration_update
from tests.browser.conftest import screenshot, serious_violations
from tests.factories import RegistrationFactory, SeminarFactory

Status = Registration.Status
pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server) -> None:
    """The organiser's session, made by the test client and handed to the browser."""
    user = get_user_model().objects.create_superuser("organiser", "o@example.com", "pw-12345")
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def full_seminar():
    seminar = SeminarFactory(
        capacity=1,
        title_en="Guangdong/Hong Kong Seminar on Intellectual Property and Development of SMEs",
    )
    chan = RegistrationFactory(
        seminar=seminar,
        name_en="CHAN Tai Man",
        name_zh="陳大文",
        email="tai.man.chan.long.address@harbour-trading-company.example.com",
        organisation="Hong Kong Intellectual Property and Trade Development Association Ltd.",
    )
    wong = RegistrationFactory(seminar=seminar, name_en="WONG Ka Yan", status=Status.WAITLISTED)
    return chan, wong


def run_action(page, live_server, action: str, registrations) -> None:
    page.goto(live_server.url + reverse("admin:registrations_registration_changelist"))
    for registration in registrations:
        page.check(f'input.action-select[value="{registration.pk}"]')
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_selector(".action-confirmation")


def test_cancel_question_passes_axe_and_cancels_only_when_confirmed(page, live_server):
    chan, wong = full_seminar()
    log_in(page, live_server)

    run_action(page, live_server, "cancel_registrations", [chan])
    findings = serious_violations(page)
    screenshot(page, "admin-confirm-cancel")
    asked = page.inner_text("#content-main")
    unchanged = Registration.objects.get(pk=chan.pk).status
    page.focus("input[type=submit][value='Yes, cancel']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messagelist")

    assert findings == []
    assert "CHAN Tai Man 陳大文" in asked
    assert "WONG Ka Yan" in asked
    assert unchanged == Status.CONFIRMED
    assert "1 registration cancelled." in page.inner_text(".messagelist")
    assert Registration.objects.get(pk=chan.pk).status == Status.CANCELLED
    assert Registration.objects.get(pk=wong.pk).status == Status.CONFIRMED


@pytest.mark.parametrize(
    "action", ["confirm_from_waitlist", "resend_details", "mark_attended", "mark_not_attended"]
)
def test_every_confirmation_page_passes_axe(page, live_server, action):
    chan, wong = full_seminar()
    log_in(page, live_server)

    run_action(page, live_server, action, [chan, wong])
    findings = serious_violations(page)
    screenshot(page, f"admin-confirm-{action}")

    assert findings == []


def test_going_back_from_the_question_changes_nothing(page, live_server):
    chan, wong = full_seminar()
    log_in(page, live_server)

    run_action(page, live_server, "cancel_registrations", [chan])
    page.click("text=No, go back")
    page.wait_for_selector("#result_list")

    assert Registration.objects.get(pk=chan.pk).status == Status.CONFIRMED
    assert Registration.objects.get(pk=wong.pk).status == Status.WAITLISTED


def list_layout(page, url: str, name: str) -> tuple[list[float], float, list[float]]:
    """The table's scroll and visible widths, a line's height, and each row's height."""
    page.goto(url)
    results = page.evaluate(
        "(() => { const r = document.querySelector('.results');"
        " return [r.scrollWidth, r.clientWidth]; })()"
    )
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#result_list td')).lineHeight)"
    )
    rows = page.evaluate(
        "[...document.querySelectorAll('#result_list tbody tr')]"
        ".map(row => row.getBoundingClientRect().height)"
    )
    screenshot(page, name)
    return results, line, rows


@pytest.mark.parametrize(
    ("url_name", "lines_at_most"),
    [
        ("registrations_registration_changelist", 6),
        # An entry's details take the lines they need; every column must still be in view.
        ("registrations_auditentry_changelist", None),
    ],
)
def test_lists_read_well_at_1280px(page, live_server, url_name, lines_at_most):
    chan, _wong = full_seminar()
    RegistrationFactory.create_batch(
        5, organisation="Guangdong-Hong Kong-Macao Greater Bay Area Innovation Centre Ltd."
    )
    log_in(page, live_server)
    organiser = get_user_model().objects.get()
    registration_update(
        registration=chan, data={"organisation": "Harbour Trading Co. Ltd."}, actor=organiser
    )
    registration_attendance_set(registration=chan, attended=True, actor=organiser)

    results, line, rows = list_layout(
        page, live_server.url + reverse(f"admin:{url_name}"), f"admin-{url_name}-1280"
    )

    # The whole table is in view beside the navigation and the filters, and no row needs
    # more than a few lines (the nine columns the registration list had took up to fifteen).
    assert results[0] <= results[1]
    assert lines_at_most is None or max(rows) < lines_at_most * line, rows
