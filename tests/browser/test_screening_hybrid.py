"""Screened and hybrid seminars in a real browser: axe-core finds nothing serious on a hybrid
seminar's form (with its attendance choice, empty and with errors), a pending registrant's page
and the page that switches mode, in each language; the decline question takes a message from the
keyboard."""

import pytest
from django.urls import reverse

from registrations.emails import message_build
from registrations.models import Notification, Registration
from registrations.services import registration_create
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot, serious_violations
from tests.browser.test_organiser_actions import log_in, run_action
from tests.browser.test_registrant import LONG_EMAIL, LONG_ORGANISATION, PHONE, overflow
from tests.factories import RegistrationFactory, SeminarFactory, registration_data

Status = Registration.Status
pytestmark = pytest.mark.django_db(transaction=True)


def hybrid_screened_seminar():
    return SeminarFactory(
        title_en="IP Trading Workshop for SMEs (Hong Kong and online)",
        title_zh_hant="中小企知識產權交易工作坊（香港及網上）",
        title_zh_hans="中小企业知识产权交易工作坊（香港及线上）",
        format="hybrid",
        venue_en="Hong Kong Convention and Exhibition Centre",
        capacity=40,
        online_capacity=300,
        requires_approval=True,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_hybrid_form_and_pending_registrants_pages_pass_axe(page, live_server, language):
    seminar = hybrid_screened_seminar()
    base = live_server.url + PREFIX[language]
    findings = {}

    def scan(name: str) -> None:
        findings[name] = serious_violations(page)
        screenshot(page, f"axe-{language}-hybrid-{name}")

    page.goto(f"{base}/seminars/{seminar.slug}/register/")
    scan("form")
    page.click("form.registration-form [type=submit]")
    page.wait_for_selector(".is-invalid")
    scan("form-errors")
    page.check("#id_attendance_mode_1")  # online
    page.fill("#id_name_en", "CHAN Tai Man")
    page.fill("#id_email", f"hybrid-{language}@example.com")
    page.fill("#id_organisation", "Harbour Trading Co. Ltd.")
    page.select_option("#id_participant_type", "ip_practitioner")
    page.select_option("#id_region", "hong_kong")
    page.select_option("#id_industry", "trading")
    page.check("#id_consent")
    page.click("form.registration-form [type=submit]")
    page.wait_for_url("**/register/done/")
    scan("received")
    registration = Registration.objects.get(email=f"hybrid-{language}@example.com")
    page.goto(f"{base}/r/{registration.token}/")
    scan("pending-page")
    page.goto(f"{base}/r/{registration.token}/attendance/")
    scan("switch-mode")

    assert findings == {name: [] for name in findings}
    assert (registration.status, registration.attendance_mode) == (Status.PENDING, "online")


def test_switching_mode_with_the_keyboard(page, live_server):
    seminar = SeminarFactory(format="hybrid", capacity=1, online_capacity=10)
    registration = registration_create(
        seminar=seminar, data=registration_data(attendance_mode="in_person")
    )
    page.goto(live_server.url + reverse("registrations:manage", args=[registration.token]))

    page.focus("a[href$='/attendance/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/attendance/")
    page.focus("form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".alert-success")

    assert "You now attend online" in page.inner_text(".page-messages")
    assert Registration.objects.get(pk=registration.pk).attendance_mode == "online"


def test_decline_question_passes_axe_and_sends_the_typed_message(page, live_server):
    seminar = SeminarFactory(requires_approval=True, title_en="IP Workshop")
    pending = RegistrationFactory(seminar=seminar, status=Status.PENDING, name_en="CHAN Tai Man")
    log_in(page, live_server)

    run_action(page, live_server, "decline_registrations", [pending])
    findings = serious_violations(page)
    screenshot(page, "admin-confirm-decline")
    page.focus("#option-message")
    page.keyboard.type("The workshop is for SMEs.")
    page.focus("input[type=submit][value='Yes, decline']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messagelist")

    assert findings == []
    assert "1 registration declined." in page.inner_text(".messagelist")
    declined = Registration.objects.get(pk=pending.pk)
    assert declined.status == Status.DECLINED
    assert declined.notifications.get(kind="declined").note == "The workshop is for SMEs."


def test_approve_question_passes_axe(page, live_server):
    seminar = SeminarFactory(requires_approval=True, capacity=1, format="hybrid")
    first, second = (
        RegistrationFactory(seminar=seminar, status=Status.PENDING, attendance_mode="in_person")
        for _ in range(2)
    )
    log_in(page, live_server)

    run_action(page, live_server, "approve_registrations", [first, second])
    findings = serious_violations(page)
    screenshot(page, "admin-confirm-approve")

    assert findings == []
    assert "join the waitlist" in page.inner_text("#content-main")


def test_hybrid_dashboard_passes_axe(page, live_server):
    seminar = SeminarFactory(
        format="hybrid", capacity=40, online_capacity=300, requires_approval=True
    )
    for mode, status in [
        ("in_person", "confirmed"),
        ("online", "waitlisted"),
        ("online", "pending"),
    ]:
        RegistrationFactory(seminar=seminar, attendance_mode=mode, status=status)
    log_in(page, live_server)

    page.goto(live_server.url + reverse("admin:seminar_seminar_dashboard", args=[seminar.pk]))
    findings = serious_violations(page)
    screenshot(page, "admin-dashboard-hybrid")

    assert findings == []
    assert page.inner_text('tr[data-mode="in_person"] [data-mode-figure="confirmed"]') == "1 of 40"


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_screening_and_mode_emails_fit_a_360px_phone(phone, language):
    seminar = SeminarFactory(
        format="hybrid",
        capacity=1,
        online_capacity=1,
        requires_approval=True,
        venue_en="HongKongConventionAndExhibitionCentreMeetingRoomS421ExpoDriveWanChai",
        join_url="https://webinar.example.com/j/91234567890?pwd=aVeryLongPasscodeTokenWithoutBreaks",
    )
    registration = registration_create(
        seminar=seminar,
        data=registration_data(
            email=LONG_EMAIL,
            organisation=LONG_ORGANISATION,
            preferred_language=language,
            attendance_mode="in_person",
        ),
    )
    widths, findings = {}, {}

    for kind, status in [
        ("received", "pending"),
        ("mode_changed", "confirmed"),
        ("declined", "declined"),
    ]:
        Registration.objects.filter(pk=registration.pk).update(status=status)
        registration.refresh_from_db()
        notification = Notification.objects.create(
            registration=registration, kind=kind, note="NoSpacesInThisNoteFromTheOrganisers" * 4
        )
        (html, _mimetype), *_ = message_build(notification=notification).alternatives
        phone.set_content(html)
        widths[kind] = overflow(phone)
        findings[kind] = serious_violations(phone)
        screenshot(phone, f"email-phone-{language}-{kind}")

    assert widths == {kind: 0 for kind in widths}
    assert {kind: found for kind, found in findings.items() if found} == {}
