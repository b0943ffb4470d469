"""Personal join links in a real browser: every page a link can lead to instead of the meeting
is axe-clean in three languages and fits a 360 px phone; the private page's "Join the seminar"
works with the keyboard alone and the open is recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registrations.models import Registration
from seminar.models import AttendanceMode, Seminar
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot, serious_violations
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db(transaction=True)

Status = Registration.Status


def seminar_in(minutes: float, **fields) -> Seminar:
    starts_at = timezone.now() + timedelta(minutes=minutes)
    return SeminarFactory(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        title_en="Seminar on IP and SMEs",
        title_zh_hant="知識產權與中小企研討會",
        title_zh_hans="知识产权与中小企业研讨会",
        **fields,
    )


def state_links() -> dict[str, str]:
    """One registration in each state a join link can meet, by name: its /j/ path."""
    soon = seminar_in(30)
    cancelled_seminar = seminar_in(30)
    Seminar.objects.filter(pk=cancelled_seminar.pk).update(status=Seminar.Status.CANCELLED)
    hybrid = seminar_in(
        30,
        format=Seminar.Format.HYBRID,
        online_capacity=10,
        venue_en="Room S421, Hong Kong Convention and Exhibition Centre, 1 Expo Drive, Wan Chai",
        venue_zh_hant="灣仔博覽道1號香港會議展覽中心S421室",
        venue_zh_hans="湾仔博览道1号香港会议展览中心S421室",
    )
    registrations = {
        "cancelled": RegistrationFactory(seminar=soon, status=Status.CANCELLED),
        "waitlisted": RegistrationFactory(seminar=soon, status=Status.WAITLISTED),
        "pending": RegistrationFactory(seminar=soon, status=Status.PENDING),
        "declined": RegistrationFactory(seminar=soon, status=Status.DECLINED),
        "too-early": RegistrationFactory(seminar=seminar_in(60 * 24 * 3)),
        "ended": RegistrationFactory(seminar=seminar_in(-60 * 24)),
        "seminar-cancelled": RegistrationFactory(seminar=cancelled_seminar),
        "in-room": RegistrationFactory(seminar=hybrid, attendance_mode=AttendanceMode.IN_PERSON),
        "no-link-yet": RegistrationFactory(seminar=seminar_in(30, join_url="")),
    }
    return {name: f"/j/{r.join_token}/" for name, r in registrations.items()}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_join_link_state_page_passes_axe_and_fits_a_phone(browser, live_server, language):
    links = state_links()
    findings, widths = {}, {}
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()

    for name, path in links.items():
        response = phone.goto(live_server.url + PREFIX[language] + path)
        assert response.status == 200, name
        assert phone.locator("h1").inner_text().strip(), name
        findings[name] = serious_violations(phone)
        widths[name] = phone.evaluate("document.documentElement.scrollWidth")
        screenshot(phone, f"join-link-{language}-{name}")
    context.close()

    problems = {name: found for name, found in findings.items() if found}
    assert problems == {}, "\n".join(f"{name}: {found}" for name, found in problems.items())
    assert widths == dict.fromkeys(links, 360)
    assert Registration.objects.filter(join_opens__gt=0).count() == 0


def test_join_the_seminar_with_the_keyboard_alone_opens_the_meeting_and_counts(page, live_server):
    # The "meeting" is a page of this server: the browser has no internet.
    seminar = seminar_in(30)
    meeting = f"{live_server.url}/seminars/{seminar.slug}/?meeting=1"
    Seminar.objects.filter(pk=seminar.pk).update(join_url=meeting)
    registration = RegistrationFactory(seminar=seminar)
    page.goto(f"{live_server.url}/zh-hant{registration.get_absolute_url()}")

    for _ in range(40):
        if page.evaluate("document.activeElement.classList.contains('join-link')"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    page.wait_for_url("**/seminars/*/?meeting=1")
    registration.refresh_from_db()
    assert registration.join_opens == 1
    assert registration.join_first_opened_at is not None
