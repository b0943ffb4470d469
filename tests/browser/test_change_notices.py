"""The change and cancellation notices on a 360 px phone, in each language: a long join link,
a long venue and the before / now table wrap instead of overflowing, and axe-core finds nothing
serious."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registrations.change_notices import seminar_edit_notify
from registrations.emails import message_build
from registrations.models import Notification
from registrations.seminar_changes import seminar_snapshot
from seminar.models import Seminar
from seminar.services import seminar_reschedule
from tests.browser.conftest import LANGUAGES, screenshot, serious_violations
from tests.browser.test_organiser_actions import log_in
from tests.browser.test_registrant import LONG_EMAIL, LONG_ORGANISATION, PHONE, overflow
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db(transaction=True)
Kind = Notification.Kind
LONG_JOIN_URL = (
    "https://webinar.example.com/j/91234567890?pwd=aVeryLongPasscodeTokenWithoutAnyBreaks"
    "AndThenSomeMoreCharactersToBeSure"
)
LONG_VENUE = (
    "LectureTheatreOnTheGroundFloorOfTheHongKongCentralLibrary, 66 Causeway Road, Causeway Bay"
)


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_change_and_cancellation_notices_fit_a_360px_phone(phone, language):
    seminar = SeminarFactory(
        format=Seminar.Format.HYBRID, venue_en="Room S421", capacity=5, online_capacity=5
    )
    people = [
        RegistrationFactory(
            seminar=seminar,
            attendance_mode=mode,
            preferred_language=language,
            email=LONG_EMAIL.replace("manager", mode),
            organisation=LONG_ORGANISATION,
        )
        for mode in ("in_person", "online")
    ]
    before = seminar_snapshot(seminar=seminar)
    seminar_reschedule(
        seminar=seminar,
        starts_at=seminar.starts_at + timedelta(days=7),
        ends_at=seminar.ends_at + timedelta(days=7),
        move_programme=True,
    )
    Seminar.objects.filter(pk=seminar.pk).update(venue_en=LONG_VENUE, join_url=LONG_JOIN_URL)
    seminar_edit_notify(seminar=seminar, before=before, actor=None)
    seminar.refresh_from_db()
    before = seminar_snapshot(seminar=seminar)
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)
    seminar_edit_notify(seminar=seminar, before=before, actor=None)
    widths, findings = {}, {}

    for notification in Notification.objects.filter(registration__in=people).order_by("pk"):
        name = f"{notification.kind}-{notification.registration.attendance_mode}"
        # Built as when it was queued: the change notice before the seminar was cancelled.
        if notification.kind == Kind.SEMINAR_CHANGED:
            Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.PUBLISHED)
        (html, _mimetype), *_ = message_build(notification=notification).alternatives
        Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)
        phone.set_content(html)
        widths[name] = overflow(phone)
        findings[name] = serious_violations(phone)
        screenshot(phone, f"email-phone-{language}-{name}")

    assert len(widths) == 4
    assert widths == {name: 0 for name in widths}
    assert {name: found for name, found in findings.items() if found} == {}


def test_an_organiser_postpones_a_seminar_and_is_told_how_many_were_emailed(page, live_server):
    seminar = SeminarFactory(capacity=2)
    for status in ("confirmed", "confirmed", "waitlisted", "pending"):
        RegistrationFactory(seminar=seminar, status=status)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/seminar/seminar/{seminar.pk}/change/")
    offer = page.get_by_label("Tell the 3 confirmed and waitlisted registrants what changed")
    assert offer.is_checked()
    offer.scroll_into_view_if_needed()
    screenshot(page, "admin-seminar-tell-registrants")

    later = timezone.localtime(seminar.starts_at + timedelta(days=7))
    page.fill("#id_starts_at_0", f"{later:%Y-%m-%d}")
    page.fill("#id_ends_at_0", f"{later:%Y-%m-%d}")
    page.click("input[name=_continue]")

    message = page.locator(".messagelist .success").filter(has_text="will be emailed")
    assert message.inner_text().startswith("3 registrants will be emailed what changed")
    assert Notification.objects.filter(kind=Kind.SEMINAR_CHANGED).count() == 3
