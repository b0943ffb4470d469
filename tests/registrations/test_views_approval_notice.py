"""A seminar that screens its registrations says so before anyone registers: on the seminar page,
whose call to action asks to apply rather than register, and on the form, whose button sends an
application. Other seminars read as before."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from registrations import views
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db

NOTICE = {
    "en": "The organisers approve each registration for this seminar. Sending the form does not "
    "give you a seat yet: we will email you when they have decided.",
    "zh-hant": "本研討會的每個報名均須經主辦機構審核接納。",
    "zh-hans": "本研讨会的每个报名均须经主办方审核接受。",
}
APPLY = {"en": "Apply to attend", "zh-hant": "申請出席", "zh-hans": "申请参加"}
SEND = {"en": "Send my application", "zh-hant": "提交申請", "zh-hans": "提交申请"}


@pytest.fixture(autouse=True)
def _fresh(settings, monkeypatch):
    settings.RATELIMIT_ENABLED = False
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(views, "_empty_forms", {})


def page(client, name: str, seminar, language: str = "en") -> str:
    with translation.override(language):
        address = reverse(name, kwargs={"slug": seminar.slug})
    content = client.get(address).content.decode()
    return html.unescape(re.sub(r"\s+", " ", content))


def text(content: str) -> str:
    return strip_tags(content)


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_a_screened_seminars_page_says_registrations_need_approval(client, language):
    seminar = SeminarFactory(requires_approval=True)

    content = page(client, "seminar:detail", seminar, language)

    assert NOTICE[language] in text(content)
    assert APPLY[language] in text(content)
    assert "Register now" not in text(content)


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_a_screened_seminars_form_says_so_and_its_button_sends_an_application(client, language):
    seminar = SeminarFactory(requires_approval=True)

    content = page(client, "registrations:create", seminar, language)

    assert NOTICE[language] in text(content)
    assert f'value="{SEND[language]}"' in content
    assert f">{APPLY[language]}</h1>" in content


def test_a_full_screened_seminar_asks_to_apply_not_to_join_the_waitlist(client):
    seminar = SeminarFactory(requires_approval=True, capacity=1)
    RegistrationFactory(seminar=seminar)

    seminar_page = text(page(client, "seminar:detail", seminar))
    form_page = page(client, "registrations:create", seminar)

    assert "Apply to attend" in seminar_page and "Join the waitlist" not in seminar_page
    assert NOTICE["en"] in seminar_page
    assert ">Apply to attend</h1>" in form_page


def test_a_seminar_without_screening_reads_as_before(client):
    seminar = SeminarFactory()

    seminar_page = text(page(client, "seminar:detail", seminar))
    form_page = page(client, "registrations:create", seminar)

    assert "Register now" in seminar_page
    assert "approve" not in seminar_page and "approve" not in text(form_page)
    assert 'value="Register"' in form_page and "Send my application" not in form_page


def test_a_closed_screened_seminar_has_no_notice(client):
    seminar = SeminarFactory(requires_approval=True, status="cancelled")

    assert NOTICE["en"] not in text(page(client, "seminar:detail", seminar))


def test_the_kept_empty_form_follows_the_screening_setting(client):
    plain, screened = SeminarFactory(), SeminarFactory(requires_approval=True)

    page(client, "registrations:create", plain)
    screened_form = page(client, "registrations:create", screened)
    screened.requires_approval = False
    screened.save()
    unscreened_form = page(client, "registrations:create", screened)

    assert 'value="Send my application"' in screened_form
    assert 'value="Register"' in unscreened_form and "Send my application" not in unscreened_form
