"""The programme editor after the review: a day is never chosen for the organiser, the boxes and
links speak the organiser's language, and a forged row count is refused before it costs time."""

import html
import time as clock
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from organiser.admin.programme_editor import MAX_SESSIONS
from seminar.models import Seminar, Session
from tests.factories import SeminarFactory, SeminarPartnerFactory, SessionFactory
from tests.organiser.test_admin_programme import (
    STARTS_AT,
    add_page_data,
    change_url,
    new_session,
    posted_form,
    with_times,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "pw"))
    return client


TWO_DAYS = timedelta(days=1, hours=3)


def in_chinese(url: str) -> str:
    return url.replace("/admin/", "/zh-hant/admin/", 1)


def test_a_session_added_before_the_seminar_had_several_days_is_asked_its_day(
    organiser_client,
):
    # The add page offers no day (the seminar has none yet); the seminar typed runs two days.
    data = add_page_data(organiser_client)
    with_times(data, "", STARTS_AT, STARTS_AT + TWO_DAYS)
    prefix = new_session(data, 0, "Day two keynote")
    data.update({f"{prefix}day": "", f"{prefix}start_time": "0930", f"{prefix}end_time": "1030"})

    response = organiser_client.post(reverse("admin:seminar_seminar_add"), data)

    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors == {
        "day": ["The seminar runs over several days: choose this session's day."]
    }
    assert form["title_en"].value() == "Day two keynote"  # everything typed kept
    assert form["start_time"].value() == "0930"
    page = response.content.decode()
    assert '<select name="sessions-0-day"' in page  # now there is a day to choose
    assert '<option value="" selected>---------</option>' in page
    assert not Seminar.objects.filter(slug="new-seminar").exists()

    data[f"{prefix}day"] = "2030-08-13"
    assert organiser_client.post(reverse("admin:seminar_seminar_add"), data).status_code == 302
    session = Session.objects.get(title_en="Day two keynote")
    assert session.starts_at == STARTS_AT + timedelta(days=1, hours=-5)  # 09:30 HKT next day


def test_the_days_are_offered_as_the_site_writes_dates(organiser_client):
    seminar = SeminarFactory(starts_at=STARTS_AT, ends_at=STARTS_AT + TWO_DAYS)
    SessionFactory(seminar=seminar, starts_at=STARTS_AT)

    english = organiser_client.get(change_url(seminar)).content.decode()
    chinese = organiser_client.get(in_chinese(change_url(seminar))).content.decode()

    assert '<option value="2030-08-13">13 August 2030 (Tuesday)</option>' in english
    assert '<option value="2030-08-13">2030年8月13日（星期二）</option>' in chinese
    assert "Hong Kong time, e.g. 09:30 or 2:15 pm, on the day chosen." in html.unescape(english)


def test_time_boxes_take_a_phone_keyboard(organiser_client):
    seminar = SeminarFactory(starts_at=STARTS_AT)
    SessionFactory(seminar=seminar, starts_at=STARTS_AT)

    page = organiser_client.get(change_url(seminar)).content.decode()

    assert 'name="sessions-0-start_time"' in page
    assert 'inputmode="numeric"' not in page  # a number pad has no ":"


def test_a_time_typed_with_a_chinese_keyboard_or_am_pm_is_saved(organiser_client):
    seminar = SeminarFactory(starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(hours=3))
    data = posted_form(organiser_client.get(change_url(seminar)))
    prefix = new_session(data, 0, "Tea break", Session.Kind.BREAK)
    data.update({f"{prefix}start_time": "３：１５ pm", f"{prefix}end_time": "1530"})

    response = organiser_client.post(change_url(seminar), data)

    assert response.status_code == 302
    session = seminar.sessions.get()
    assert (session.starts_at, session.ends_at) == (
        STARTS_AT + timedelta(minutes=45),
        STARTS_AT + timedelta(hours=1),
    )


def test_a_time_that_is_not_one_says_how_to_write_one(organiser_client):
    seminar = SeminarFactory(starts_at=STARTS_AT)
    data = posted_form(organiser_client.get(change_url(seminar)))
    prefix = new_session(data, 0, "Opening")
    data.update({f"{prefix}start_time": "half past", f"{prefix}end_time": "15:00"})

    response = organiser_client.post(in_chinese(change_url(seminar)), data)

    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors["start_time"] == ["請輸入時間，例如 09:30、0930 或 2:15 pm。"]


@pytest.mark.parametrize(
    ("total", "message"),
    [
        ("sessions-TOTAL_FORMS", f"A seminar has at most {MAX_SESSIONS} sessions."),
        ("partners-TOTAL_FORMS", "A seminar has at most 50 organising or supporting bodies."),
    ],
)
def test_a_forged_row_count_is_refused_quickly_with_a_message(
    organiser_client,
    total,
    message,
):
    seminar = SeminarFactory(starts_at=STARTS_AT)
    data = posted_form(organiser_client.get(change_url(seminar)))
    data[total] = "1000"

    started = clock.monotonic()
    response = organiser_client.post(change_url(seminar), data)
    elapsed = clock.monotonic() - started

    assert response.status_code == 200
    assert message in response.content.decode()
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == total.removesuffix("-TOTAL_FORMS")
    )
    assert len(formset.forms) <= 100  # the forms beyond the cap are never built
    assert elapsed < 15, f"took {elapsed:.1f} s"


def test_a_forged_speaker_count_is_refused_beside_its_session(organiser_client):
    seminar = SeminarFactory(starts_at=STARTS_AT)
    SessionFactory(seminar=seminar, starts_at=STARTS_AT)
    data = posted_form(organiser_client.get(change_url(seminar)))
    data["sessions-0-session_speakers-TOTAL_FORMS"] = "5000"

    response = organiser_client.post(change_url(seminar), data)

    assert "A session has at most 30 speakers." in response.content.decode()


def test_the_editor_speaks_chinese_with_its_own_words(organiser_client):
    seminar = SeminarFactory(starts_at=STARTS_AT)
    SessionFactory(seminar=seminar, starts_at=STARTS_AT, title_zh_hant="開幕致辭")
    SeminarPartnerFactory(seminar=seminar)

    page = organiser_client.get(in_chinese(change_url(seminar))).content.decode()

    for words in ("新增另一個環節", "新增另一個講者", "新增另一個主辦或支持機構", "環節：", "移除"):
        assert words in page, words
    for wrong in ("新增其它", ">Remove<", "環節:"):
        assert wrong not in page, wrong


def test_the_english_links_are_in_sentence_case(organiser_client):
    seminar = SeminarFactory(starts_at=STARTS_AT)

    page = organiser_client.get(change_url(seminar)).content.decode()

    assert "Add another organising or supporting body" in page
    assert "Add another session" in page
    assert ">Starts<" in page or ">Starts:<" in page


def test_partner_rows_label_each_box_and_offer_no_delete_of_the_organisation(
    organiser_client,
):
    seminar = SeminarFactory(starts_at=STARTS_AT)
    SeminarPartnerFactory(seminar=seminar)

    page = organiser_client.get(change_url(seminar)).content.decode()

    for box in ("organisation", "role", "order", "on_certificate"):
        assert f'for="id_partners-0-{box}"' in page, box
    assert 'id="delete_id_partners-0-organisation"' not in page
    assert 'id="add_id_partners-0-organisation"' in page  # "+" for a new one stays
