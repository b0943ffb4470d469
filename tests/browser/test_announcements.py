"""Announcements in a real browser: an organiser working in Traditional Chinese writes one,
watches the count follow the audience, previews it as a registrant, sends a test to themselves
and sends it; the public unsubscribe page passes axe-core in each language, fits a phone and
works with the keyboard alone."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from registrations.models import Announcement, Notification, Registration
from registrations.permissions import ORGANISERS, groups_ensure
from registrations.unsubscribe import unsubscribe_token_make
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot, serious_violations
from tests.browser.test_accessibility import admin_violations
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, django_user_model, prefix: str = "") -> None:
    groups_ensure()
    user = django_user_model.objects.create_user(
        "mei.ling", password="pw-announce-42", is_staff=True, email="mei.ling@example.org"
    )
    user.groups.add(Group.objects.get(name=ORGANISERS))
    page.goto(f"{live_server.url}{prefix}/admin/login/")
    page.fill("#id_username", "mei.ling")
    page.fill("#id_password", "pw-announce-42")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{prefix}/admin/")


def log_in_in_chinese(page, live_server, django_user_model) -> None:
    log_in(page, live_server, django_user_model, prefix="/zh-hant")


def fill_tab(page, field: str, language: str, value: str) -> None:
    """Open the language's tab above a translated field and type into it."""
    field_id = f"id_{field}_{language.replace('-', '_')}"
    tabs = page.locator(f".ui-tabs:has(#{field_id}) .ui-tabs-nav a")
    tabs.filter(has_text=language.upper()).first.click()
    page.fill(f"#{field_id}", value)


def test_an_organiser_in_chinese_writes_previews_tests_and_sends(
    page, live_server, django_user_model
):
    seminar = SeminarFactory(title_en="IP Seminar", title_zh_hant="知識產權研討會")
    RegistrationFactory(
        seminar=seminar,
        name_en="CHAN Tai Man",
        name_zh="陳大文",
        email="chan@example.com",
        preferred_language="zh-hant",
    )
    RegistrationFactory(seminar=seminar, name_en="WONG Ka Yan")
    RegistrationFactory(seminar=seminar, status=Registration.Status.WAITLISTED)
    log_in_in_chinese(page, live_server, django_user_model)
    admin = f"{live_server.url}/zh-hant/admin"

    page.goto(f"{admin}/seminar/seminar/{seminar.pk}/change/")
    page.get_by_role("link", name="公告（0）").click()
    page.locator(".object-tools a.addlink").click()
    fill_tab(page, "subject", "en", "Slides for {seminar}")
    fill_tab(page, "body", "en", "Dear colleagues,\n\nSlides: https://example.org/slides")
    fill_tab(page, "subject", "zh-hant", "{seminar}的簡報")
    fill_tab(page, "body", "zh-hant", "簡報已上載：https://example.org/slides\n\n多謝出席。")
    count = page.locator("#announcement-recipients")
    page.locator("input[name='audience_statuses'][value='waitlisted']").check()
    expect(count).to_have_text("現在發送，會有 1 人收到。")
    page.locator("input[name='audience_statuses'][value='waitlisted']").uncheck()
    page.locator("input[name='audience_statuses'][value='confirmed']").check()
    expect(count).to_have_text("現在發送，會有 2 人收到。")
    screenshot(page, "announcement-write-zh-hant")
    assert admin_violations(page) == []
    page.locator("input[name='_continue']").click()
    page.wait_for_selector(".messagelist")
    announcement = Announcement.objects.get()
    assert announcement.audience == {"statuses": ["confirmed"]}

    page.get_by_role("link", name="預覽及發送測試").click()
    page.locator("#preview-registration").select_option(
        label="CHAN Tai Man 陳大文 · chan@example.com · 繁體中文 · 已確認"
    )
    page.get_by_role("button", name="顯示").click()
    assert page.locator("#preview-subject").inner_text() == "知識產權研討會的簡報"
    frame = page.frame_locator("iframe.preview-frame")
    assert "簡報已上載" in frame.locator("body").inner_text()
    assert frame.locator("a[href='https://example.org/slides']").count() == 1
    screenshot(page, "announcement-preview-zh-hant")
    assert admin_violations(page) == []
    page.get_by_role("button", name="發送測試電郵給我（mei.ling@example.org）").click()
    page.wait_for_selector(".messagelist")
    test_email = [m for m in mail.outbox if m.to == ["mei.ling@example.org"]]
    assert [m.subject for m in test_email] == ["［測試］知識產權研討會的簡報"]

    page.get_by_role("link", name="立即發送").first.click()
    assert "會立即以各人的語言發給 2 人。" in page.locator("#content-main").inner_text()
    page.get_by_role("button", name="是，發給 2 人").click()
    page.wait_for_selector(".messagelist")

    assert "公告已排隊等候發送給 2 人" in page.locator(".messagelist").inner_text()
    announcement.refresh_from_db()
    assert announcement.state == Announcement.State.QUEUED
    assert Notification.objects.filter(announcement=announcement, recipient="").count() == 2
    screenshot(page, "announcement-sent-zh-hant")


def test_an_error_in_another_languages_tab_is_shown_marked_and_listed_with_its_language(
    page, live_server, django_user_model
):
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar)
    log_in(page, live_server, django_user_model)
    page.goto(
        f"{live_server.url}/admin/registrations/announcement/add/"
        f"?_changelist_filters=seminar__id__exact%3D{seminar.pk}"
    )
    fill_tab(page, "subject", "en", "Join us")
    fill_tab(page, "body", "en", "See you there.")
    fill_tab(page, "subject", "zh-hans", "欢迎参加")
    fill_tab(page, "body", "zh-hans", "参会链接：{join_link}")
    fill_tab(page, "subject", "en", "Join us")  # back to the English tabs, as people leave it
    page.locator("input[name='audience_statuses'][value='waitlisted']").check()
    page.locator("input[name='_continue']").click()
    page.wait_for_selector(".errornote")

    body_tabs = page.locator(".ui-tabs:has(#id_body_zh_hans) .ui-tabs-nav li")
    subject_tabs = page.locator(".ui-tabs:has(#id_subject_zh_hans) .ui-tabs-nav li")
    expect(page.locator("#id_body_zh_hans")).to_be_visible()
    expect(body_tabs.filter(has=page.locator(".tab-error-mark"))).to_have_count(1)
    assert "ZH-HANS" in body_tabs.filter(has=page.locator(".tab-error-mark")).inner_text()
    assert "ZH-HANS" in page.locator(".ui-tabs:has(#id_body_zh_hans) .ui-tabs-active").inner_text()
    expect(subject_tabs.filter(has=page.locator(".tab-error-mark"))).to_have_count(0)
    listed = page.locator("#language-errors li")
    expect(listed).to_have_count(1)
    assert "Message (Simplified Chinese, tab ZH-HANS)" in listed.inner_text()
    screenshot(page, "announcement-error-in-another-tab")
    assert admin_violations(page) == []
    # The list's link opens the tab and puts the cursor in the field, from any tab.
    body_tabs.filter(has_text="EN").locator("a").click()
    expect(page.locator("#id_body_zh_hans")).to_be_hidden()
    listed.locator("a").click()
    expect(page.locator("#id_body_zh_hans")).to_be_focused()


def test_a_sent_announcements_page_has_no_empty_language_switch(
    page, live_server, django_user_model
):
    from registrations.announcements import announcement_queue
    from tests.factories import AnnouncementFactory

    announcement = AnnouncementFactory(seminar=RegistrationFactory().seminar)
    announcement_queue(announcement=announcement, actor=None)
    log_in(page, live_server, django_user_model)

    page.goto(f"{live_server.url}/admin/registrations/announcement/{announcement.pk}/change/")

    expect(page.locator("h1")).to_be_visible()
    assert page.locator("#modeltranslation-main-switch").count() == 0
    assert admin_violations(page) == []


def test_the_list_shows_each_announcements_progress_at_1280_px(
    page, live_server, django_user_model
):
    from registrations.announcements import announcement_queue
    from tests.factories import AnnouncementFactory

    seminar = SeminarFactory(
        title_en="Guangdong/Hong Kong Seminar on Intellectual Property and Development of SMEs"
    )
    for number in range(3):
        RegistrationFactory(seminar=seminar, email=f"person{number}@example.com")
    announcement = AnnouncementFactory(
        seminar=seminar, subject_en="Slides and recording of the seminar are now online for all"
    )
    announcement_queue(announcement=announcement, actor=None)
    Notification.objects.filter(pk=Notification.objects.order_by("pk").first().pk).update(
        status=Notification.Status.FAILED
    )
    Notification.objects.filter(status=Notification.Status.PENDING).update(
        status=Notification.Status.SENT
    )
    AnnouncementFactory(seminar=seminar, subject_en="A draft about the panel discussion")
    log_in(page, live_server, django_user_model)

    for query in (f"?seminar__id__exact={seminar.pk}", ""):
        page.goto(f"{live_server.url}/admin/registrations/announcement/{query}")
        results = page.locator("#changelist .results")
        assert results.evaluate("element => element.scrollWidth <= element.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        row = page.locator("#result_list tr", has_text="Slides and recording")
        progress = row.locator("td.field-progress_column")
        expect(progress).to_have_text("2 sent · 1 failed")
        expect(progress).to_be_in_viewport()
    screenshot(page, "announcement-list-1280")


@pytest.fixture
def keen_link(live_server):
    registration = RegistrationFactory(news_opt_in=True, email="keen@example.com")
    return lambda language: (
        f"{live_server.url}{PREFIX[language]}/unsubscribe/"
        f"{unsubscribe_token_make(registration=registration)}/"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_unsubscribe_page_passes_axe_fits_a_phone_and_works_by_keyboard(
    browser, live_server, keen_link, language
):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="en-GB")
    page = context.new_page()
    findings = {}

    page.goto(keen_link(language))
    findings["ask"] = serious_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"unsubscribe-{language}-ask")
    button = page.locator("main form button[type=submit]")
    for _ in range(20):  # from the top of the page, as a keyboard user arrives
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("#unsubscribe-done")
    findings["done"] = serious_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"unsubscribe-{language}-done")
    page.goto(f"{live_server.url}{PREFIX[language]}/unsubscribe/not-a-real-link/")
    findings["invalid"] = serious_violations(page)
    screenshot(page, f"unsubscribe-{language}-invalid")
    context.close()

    assert list(
        Registration.objects.filter(email="keen@example.com").values_list("news_opt_in", flat=True)
    ) == [False]
    problems = {name: found for name, found in findings.items() if found}
    assert problems == {}, "\n".join(f"{name}: {found}" for name, found in problems.items())


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_news_email_fits_a_phone_and_passes_axe(browser, language):
    from registrations.announcement_emails import announcement_email
    from tests.browser.test_registrant import LONG_EMAIL, LONG_ORGANISATION, PHONE, overflow

    registration = RegistrationFactory(
        email=LONG_EMAIL,
        name_en="CHAN Tai Man",
        name_zh="陳大文",
        organisation=LONG_ORGANISATION,
        preferred_language=language,
        news_opt_in=True,
    )
    announcement = Announcement.objects.create(
        seminar=registration.seminar,
        purpose=Announcement.Purpose.NEWS,
        subject_en="Save the date: {seminar}",
        body_en=(
            "Dear friends,\n\nDetails: https://example.org/a-very-long-path-without-any-breaks/"
            "InternationalIntellectualPropertyConsultancyAndTechnologyTrading?ref=newsletter\n"
            "Your page: {manage_link}\n\n<b>Not bold</b>"
        ),
    )
    context = browser.new_context(**PHONE)
    phone = context.new_page()

    email = announcement_email(announcement=announcement, registration=registration)
    phone.set_content(email.html)
    screenshot(phone, f"email-phone-{language}-announcement")

    assert overflow(phone) == 0
    assert serious_violations(phone) == []
    assert phone.locator("a", has_text="example.org").count() == 1
    context.close()
