"""An announcement as each registrant reads it: their language (English where a translation is
empty), their placeholders, the organiser's plain text made safe HTML, and the unsubscribe link
and headers on news."""

import html as html_module
import re

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from registrations.announcement_emails import announcement_email, body_html
from registrations.announcements import announcement_queue
from registrations.delivery import notification_deliver
from registrations.models import Announcement, Notification, Registration
from registrations.unsubscribe import unsubscribe_token_read
from tests.factories import AnnouncementFactory, RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db

NotificationStatus = Notification.Status


def deliver_all(announcement: Announcement) -> list:
    for pk in Notification.objects.filter(announcement=announcement).values_list("pk", flat=True):
        notification_deliver(notification_id=pk)
    return mail.outbox


def test_the_body_is_escaped_with_paragraphs_line_breaks_and_links():
    text = (
        "Dear all,\n\n<script>alert('x')</script> & <b>bold</b>\nline two\n\n\n"
        "Slides: https://example.org/slides?a=1&b=2.\n詳情見https://example.org/zh。謝謝"
    )

    html = body_html(text)

    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert html.count("<p ") == 3
    assert "&lt;/b&gt;<br>\nline two" in html
    assert (
        '<a href="https://example.org/slides?a=1&amp;b=2" style="color:#0b5394">'
        "https://example.org/slides?a=1&amp;b=2</a>." in html
    )
    assert '詳情見<a href="https://example.org/zh" style="color:#0b5394">' in html
    assert "</a>。謝謝" in html


def test_an_address_with_chinese_characters_is_linked_whole():
    html = body_html("詳情：https://example.com/繁體?x=1 及 https://example.org/簡體/頁")

    assert (
        '<a href="https://example.com/%E7%B9%81%E9%AB%94?x=1" style="color:#0b5394">'
        "https://example.com/繁體?x=1</a> 及" in html
    )
    assert ">https://example.org/簡體/頁</a>" in html


@pytest.mark.parametrize(
    "punctuation", ["。", "，", "、", "；", "：", "！", "？", "）", "」", "”", "…"]
)
def test_an_address_stops_at_chinese_punctuation(punctuation):
    html = body_html(f"請看https://example.org/繁體{punctuation}謝謝")

    assert 'href="https://example.org/%E7%B9%81%E9%AB%94"' in html
    assert f">https://example.org/繁體</a>{punctuation}謝謝" in html


@given(
    st.lists(
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(["https://example.com/", "http://x.org/繁體?a=1&b=<2>", "。", "\n\n"]),
        ),
        max_size=8,
    ).map("".join)
)
def test_any_text_becomes_only_our_own_markup_and_reads_back_as_typed(text):
    html = body_html(text)

    tags = set(re.findall(r"<[^>]*>", html))
    assert all(
        re.fullmatch(r'<p style="[^"]*">|</p>|<br>|<a href="[^"]*" style="[^"]*">|</a>', t)
        for t in tags
    ), tags
    words = html_module.unescape(re.sub(r"<[^>]*>", "", html))
    assert "".join(words.split()) == "".join(text.split())


def test_a_link_in_brackets_keeps_its_own_bracket():
    html = body_html("(see https://en.wikipedia.org/wiki/Seminar_(disambiguation))")

    assert 'href="https://en.wikipedia.org/wiki/Seminar_(disambiguation)"' in html
    assert "</a>)" in html


def test_a_javascript_address_is_never_a_link():
    html = body_html("javascript:alert(1) and data:text/html,<b>x</b>")

    assert "<a" not in html


def test_each_registrant_reads_it_in_their_language_or_wholly_in_english():
    """A language whose subject or message is empty is not used: the registrant gets the
    English text and everything around it in English too, never English words with Chinese
    dates, names and footers."""
    seminar = SeminarFactory(
        title_en="IP Seminar", title_zh_hant="知識產權研討會", title_zh_hans="知识产权研讨会"
    )
    announcement = AnnouncementFactory(
        seminar=seminar,
        subject_en="Slides for {seminar}",
        subject_zh_hant="{seminar}的簡報",
        body_en="The slides of {seminar}, {date}, for {name}.",
        body_zh_hant="{name}：{seminar}（{date}）的簡報已上載。",
        subject_zh_hans="{seminar}的演示文稿",  # no message in Simplified Chinese
    )
    english = RegistrationFactory(seminar=seminar, name_en="CHAN Tai Man", email="en@example.com")
    chinese = {
        language: RegistrationFactory(
            seminar=seminar,
            name_en="WONG Ka Yan",
            name_zh="黃嘉欣",
            salutation=Registration.Salutation.MS,
            preferred_language=language,
            email=f"{language}@example.com",
        )
        for language in ("zh-hant", "zh-hans")
    }
    announcement_queue(announcement=announcement, actor=None)

    sent = {message.to[0]: message for message in deliver_all(announcement)}

    assert sent["en@example.com"].subject == "Slides for IP Seminar"
    assert english.get_absolute_url() in sent["en@example.com"].body
    hant = sent["zh-hant@example.com"]
    assert hant.subject == "知識產權研討會的簡報"
    assert "黃嘉欣女士：知識產權研討會（" in hant.body
    assert "親愛的黃嘉欣女士：" in hant.body
    assert '<html lang="zh-hant">' in hant.alternatives[0].content
    assert chinese["zh-hant"].get_absolute_url() in hant.body
    # Simplified Chinese has a subject but no message: the whole email is in English.
    hans = sent["zh-hans@example.com"]
    assert hans.subject == "Slides for IP Seminar"
    assert "The slides of IP Seminar, " in hans.body
    assert "for Ms WONG Ka Yan." in hans.body
    assert "Dear Ms WONG Ka Yan," in hans.body
    assert "View, change or cancel your registration" in hans.body
    assert not re.search(r"[\u4e00-\u9fff]", hans.body + hans.subject)
    html = hans.alternatives[0].content
    assert '<html lang="en">' in html
    assert not re.search(r"[\u4e00-\u9fff]", html)
    assert seminar.starts_at.strftime("%Y") in hans.body


def test_an_email_in_english_for_lack_of_a_translation_says_so_in_the_preview():
    registration = RegistrationFactory(preferred_language="zh-hant")
    announcement = AnnouncementFactory(seminar=registration.seminar)

    email = announcement_email(announcement=announcement, registration=registration, preview=True)

    assert email.language == "en"


def test_a_name_with_markup_is_escaped_in_the_html_and_plain_in_the_text():
    seminar = SeminarFactory()
    registration = RegistrationFactory(seminar=seminar, name_en="<img src=x onerror=alert(1)>")
    announcement = AnnouncementFactory(seminar=seminar, body_en="Hello {name}")

    email = announcement_email(announcement=announcement, registration=registration)

    assert "<img" not in email.html
    assert "Hello &lt;img src=x onerror=alert(1)&gt;" in email.html
    assert "Hello <img src=x onerror=alert(1)>" in email.text


def test_news_carries_the_unsubscribe_link_and_the_one_click_headers():
    seminar = SeminarFactory()
    registration = RegistrationFactory(
        seminar=seminar, news_opt_in=True, preferred_language="zh-hans"
    )
    announcement = AnnouncementFactory(
        seminar=seminar,
        purpose=Announcement.Purpose.NEWS,
        audience={},
        subject_zh_hans="明年的研讨会",
        body_zh_hans="明年的研讨会将于秋季举行。",
    )
    announcement_queue(announcement=announcement, actor=None)

    [message] = deliver_all(announcement)

    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://testserver-site/zh-hans/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    assert link in message.alternatives[0].content
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_token_read(token) == registration.pk
    assert registration.token not in link


def test_a_message_about_the_seminar_has_no_unsubscribe_link():
    registration = RegistrationFactory()
    announcement = AnnouncementFactory(seminar=registration.seminar)

    email = announcement_email(announcement=announcement, registration=registration)

    assert "List-Unsubscribe" not in email.headers
    assert "unsubscribe" not in email.text.lower()


def test_a_test_is_marked_and_carries_no_private_link_of_the_registrant():
    registration = RegistrationFactory(news_opt_in=True)
    announcement = AnnouncementFactory(
        seminar=registration.seminar,
        purpose=Announcement.Purpose.NEWS,
        subject_en="News for {name}",
        body_en="Your page: {manage_link}",
    )

    email = announcement_email(
        announcement=announcement, registration=registration, test_to="organiser@example.com"
    )

    assert email.subject == f"[Test] News for {registration.name_en}"
    assert email.to == "organiser@example.com"
    assert registration.token not in email.text + email.html
    assert "/r/personal-link/" in email.text
    assert "List-Unsubscribe" not in email.headers


def test_a_line_break_typed_in_a_subject_does_not_break_the_header():
    registration = RegistrationFactory(name_en="CHAN\nTai Man")
    announcement = AnnouncementFactory(seminar=registration.seminar, subject_en="For {name}")

    email = announcement_email(announcement=announcement, registration=registration)

    assert email.subject == "For CHAN Tai Man"
