"""Whole journeys in a real browser, with a screenshot of each step in test-artifacts/."""

import csv
import io
import re

import pytest
from django.core import mail

from registrations.demo import demo_load
from registrations.models import Registration
from tests.browser.conftest import readme_screenshot, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_participant_registers_in_traditional_chinese_reads_the_email_and_cancels(
    page, live_server
):
    demo_load(password="demo-pass-123")

    page.goto(f"{live_server.url}/zh-hant/")
    screenshot(page, "flow-participant-1-home")
    page.locator("section[aria-labelledby=upcoming-heading] h3 a").first.click()
    screenshot(page, "flow-participant-2-seminar")
    page.get_by_role("link", name="立即報名").click()
    page.fill("#id_name_en", "CHAN Tai Man")
    page.fill("#id_name_zh", "陳大文")
    page.fill("#id_email", "tai.man@example.com")
    page.fill("#id_organisation", "海港貿易有限公司")
    page.select_option("#id_participant_type", "sme")
    page.select_option("#id_organisation_size", "1-9")
    page.select_option("#id_region", "hong_kong")
    page.select_option("#id_industry", "trading")
    page.get_by_label("本人聲明並無經營知識產權中介業務", exact=False).check()
    page.get_by_label("網上直播").check()
    page.get_by_label("本人已閱讀並同意上述收集個人資料聲明。").check()
    screenshot(page, "flow-participant-3-form")
    page.get_by_role("button", name="報名").click()
    page.wait_for_url("**/register/done/")
    screenshot(page, "flow-participant-4-confirmed")
    assert page.get_by_role("heading", name="你已成功報名").is_visible()

    # The confirmation email, in Traditional Chinese, with the private link.
    (message,) = [m for m in mail.outbox if m.to == ["tai.man@example.com"]]
    assert message.subject.startswith("報名確認：")
    manage_url = re.search(r"http://\S+/zh-hant/r/[\w-]+/", message.body).group(0)
    page.goto(manage_url)
    screenshot(page, "flow-participant-5-own-page")
    assert page.get_by_text("你的座位已獲確認。").is_visible()

    page.get_by_role("link", name="取消我的報名").click()
    screenshot(page, "flow-participant-6-cancel-step")
    page.get_by_role("button", name="是，取消我的報名").click()
    screenshot(page, "flow-participant-7-cancelled")

    assert page.get_by_text("此報名已取消。").is_visible()
    assert Registration.objects.get(email="tai.man@example.com").status == "cancelled"


def test_organiser_opens_the_dashboard_and_downloads_the_csv(page, live_server):
    demo_load(password="demo-pass-123")

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", "demo-pass-123")
    page.click("input[type=submit]")
    screenshot(page, "flow-organiser-1-admin")
    page.get_by_role("link", name="Seminars").first.click()
    # The online edition's (the hybrid one, further off, is listed first).
    online = Registration.objects.filter(seminar__format="online", source="web").first().seminar
    page.locator(f'a[href$="/seminar/seminar/{online.pk}/dashboard/"]').click()
    screenshot(page, "flow-organiser-2-dashboard")
    readme_screenshot(page, "organiser-dashboard")
    assert page.locator("[data-figure=confirmed]").inner_text() == "42"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    content = download_info.value.path().read_text(encoding="utf-8-sig")

    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:3] == ["Registration ID", "Seminar", "Status"]
    assert len(rows) == 43
    assert download_info.value.suggested_filename.endswith(".csv")
