"""Organisers announce from the admin: write per language, choose the audience by ticking, see the
count, preview as a recipient, test on themselves, send after being asked, schedule, resend the
failed ones; viewers look but cannot send; the list's query count does not grow with its rows."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.announcements import announcement_queue, announcement_test_send
from registrations.models import Announcement, AuditEntry, Notification, Registration
from registrations.permissions import ORGANISERS, VIEWERS
from registrations.placeholders import JOIN_LINK_REFUSED
from seminar.models import Seminar
from tests.factories import (
    AnnouncementFactory,
    AnswerFactory,
    RegistrationFactory,
    SeminarFactory,
    choice_question,
)
from tests.hypothesis_budget import examples
from tests.organiser.test_admin_programme import posted_form
from tests.organiser.test_admin_questions import user_in
from tests.registrations.test_properties import PROPERTY_SETTINGS

pytestmark = pytest.mark.django_db

State = Announcement.State
Status = Registration.Status


@pytest.fixture
def organiser(django_user_model):
    user = user_in(django_user_model, ORGANISERS, "mei.ling")
    user.email = "mei.ling@organiser.example.org"
    user.save()
    return user


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def viewer_client(client, django_user_model):
    client.force_login(user_in(django_user_model, VIEWERS, "viewer"))
    return client


@pytest.fixture
def seminar():
    seminar = SeminarFactory(title_en="IP Seminar 2026")
    RegistrationFactory(seminar=seminar, email="one@example.com", name_en="CHAN Tai Man")
    RegistrationFactory(seminar=seminar, email="two@example.com", preferred_language="zh-hant")
    RegistrationFactory(seminar=seminar, email="wait@example.com", status=Status.WAITLISTED)
    return seminar


def add_url(seminar) -> str:
    filters = f"seminar__id__exact%3D{seminar.pk}"
    return f"{reverse('admin:registrations_announcement_add')}?_changelist_filters={filters}"


def change_url(announcement) -> str:
    return reverse("admin:registrations_announcement_change", args=[announcement.pk])


def url(name: str, announcement) -> str:
    return reverse(f"admin:registrations_announcement_{name}", args=[announcement.pk])


def text(response) -> str:
    """The page's words, without markup, as a person reads them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def new_announcement(client, seminar, **fields) -> dict:
    data = posted_form(client.get(add_url(seminar)))
    data.update(
        {
            "seminar": seminar.pk,
            "purpose": "seminar",
            "subject_en": "Slides for {seminar}",
            "subject_zh_hant": "{seminar}的簡報",
            "body_en": "Dear colleagues,\n\nThe slides: https://example.org/slides",
            "body_zh_hant": "簡報：https://example.org/slides",
            "audience_statuses": ["confirmed"],
        }
    )
    data.update(fields)
    return data


def test_the_seminar_page_links_to_its_announcements(organiser_client, seminar):
    AnnouncementFactory(seminar=seminar)

    page = organiser_client.get(reverse("admin:seminar_seminar_change", args=[seminar.pk]))

    assert "Announcements (1)" in text(page)
    assert f"seminar__id__exact={seminar.pk}" in page.content.decode()


def test_an_organiser_writes_an_announcement_for_the_seminars_confirmed_registrants(
    organiser_client, organiser, seminar
):
    page = organiser_client.get(add_url(seminar))
    assert list(page.context["adminform"].form.fields["seminar"].queryset) == [seminar]

    response = organiser_client.post(add_url(seminar), new_announcement(organiser_client, seminar))

    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.seminar == seminar
    assert announcement.audience == {"statuses": ["confirmed"]}
    assert announcement.created_by == organiser
    assert announcement.state == State.DRAFT
    assert mail.outbox == []  # saving sends nothing
    page = organiser_client.get(change_url(announcement))
    assert "2 people would get it now." in text(page)


def test_an_unknown_placeholder_is_an_error_next_to_that_languages_field(organiser_client, seminar):
    data = new_announcement(
        organiser_client, seminar, subject_zh_hans="简报", body_zh_hans="{姓名}您好"
    )

    response = organiser_client.post(add_url(seminar), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["body_zh_hans"]
    assert "“{姓名}” is not a placeholder" in errors["body_zh_hans"][0]
    assert not Announcement.objects.exists()


def test_a_language_with_a_subject_but_no_message_is_an_error_next_to_the_empty_field(
    organiser_client, seminar
):
    data = new_announcement(organiser_client, seminar, subject_zh_hans="简报", subject_zh_hant="")

    response = organiser_client.post(add_url(seminar), data)

    errors = response.context["adminform"].form.errors
    assert sorted(errors) == ["body_zh_hans", "subject_zh_hant"]
    assert errors["body_zh_hans"][0].startswith("Write the message in this language too")
    assert errors["subject_zh_hant"][0].startswith("Write the subject in this language too")
    assert not Announcement.objects.exists()


def test_errors_in_the_language_tabs_are_listed_at_the_top_naming_field_and_language(
    organiser_client, seminar
):
    data = new_announcement(
        organiser_client,
        seminar,
        subject_zh_hans="简报",
        body_zh_hans="参会链接：{join_link}",
        audience_statuses=["confirmed", "waitlisted"],
    )

    response = organiser_client.post(add_url(seminar), data)

    content = response.content.decode()
    listed = re.search(
        r'<ul class="errorlist nonfield" id="language-errors".*?</ul>', content, re.S
    )
    assert listed is not None
    assert '<a href="#id_body_zh_hans">Message (Simplified Chinese, tab ZH-HANS)</a>' in listed[0]
    assert "can only be used when the audience is confirmed registrants only" in listed[0]
    assert listed[0].count("<li>") == 1


def test_the_join_link_is_refused_for_an_audience_beyond_confirmed_registrants(
    organiser_client, seminar
):
    data = new_announcement(
        organiser_client,
        seminar,
        body_en="Join: {join_link}",
        audience_statuses=["confirmed", "waitlisted"],
    )

    response = organiser_client.post(add_url(seminar), data)

    assert response.context["adminform"].form.errors["body_en"] == [str(JOIN_LINK_REFUSED)]


def test_the_audience_offers_the_seminars_own_questions_and_ticks_what_was_saved(
    organiser_client, seminar
):
    topics = choice_question("Patents", "Trade marks", seminar=seminar, label_en="Topics")
    choice_question("Elsewhere", label_en="Another seminar's question")
    patents = topics.options.get(label_en="Patents")
    AnswerFactory(
        registration=seminar.registrations.get(email="one@example.com"),
        question=topics,
        options=[patents],
    )
    data = new_announcement(organiser_client, seminar, audience_answers=[f"option:{patents.pk}"])

    organiser_client.post(add_url(seminar), data)

    announcement = Announcement.objects.get()
    assert announcement.audience == {
        "statuses": ["confirmed"],
        "answers": {str(topics.pk): [patents.pk]},
    }
    page = organiser_client.get(change_url(announcement))
    words = text(page)
    assert "Topics" in words and "Another seminar's question" not in words
    assert page.context["adminform"].form.initial["audience_answers"] == [f"option:{patents.pk}"]
    assert "1 person would get it now." in words


def test_how_they_attend_is_offered_only_at_a_hybrid_seminar(organiser_client, seminar):
    hybrid = SeminarFactory(format=Seminar.Format.HYBRID, online_capacity=10)

    single = organiser_client.get(add_url(seminar)).context["adminform"].form
    both = organiser_client.get(add_url(hybrid)).context["adminform"].form

    assert "audience_attendance_modes" not in single.fields
    assert "audience_attendance_modes" in both.fields


def test_the_count_follows_the_boxes_ticked(organiser_client, seminar):
    count_url = reverse("admin:registrations_announcement_count")

    confirmed = organiser_client.get(
        count_url, {"seminar": seminar.pk, "audience_statuses": "confirmed"}
    )
    everyone = organiser_client.get(count_url, {"seminar": seminar.pk})
    news = organiser_client.get(count_url, {"seminar": seminar.pk, "purpose": "news"})
    junk = organiser_client.get(count_url, {"seminar": seminar.pk, "audience_regions": "mars"})

    assert confirmed.json() == {"count": 2, "text": "2 people would get it now."}
    assert everyone.json()["count"] == 3
    assert news.json()["count"] == 0
    assert junk.json() == {"text": "Choose the audience again."}


def test_preview_as_a_chosen_recipient_in_their_language(organiser_client, seminar):
    announcement = AnnouncementFactory(
        seminar=seminar,
        subject_en="Slides for {name}",
        subject_zh_hant="給{name}的簡報",
        body_zh_hant="簡報已上載。",
    )
    chinese = seminar.registrations.get(email="two@example.com")

    page = organiser_client.get(url("preview", announcement), {"registration": chinese.pk})
    frame = organiser_client.get(url("preview_html", announcement), {"registration": chinese.pk})

    assert page.context["email"].subject == f"給{chinese.name_en}的簡報"
    assert 'sandbox=""' in page.content.decode()
    assert frame["Content-Security-Policy"].startswith("default-src 'none'")
    assert "sandbox" in frame["Content-Security-Policy"]
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert '<html lang="zh-hant">' in frame.content.decode()
    assert chinese.token not in frame.content.decode()
    assert "gets it in English" not in text(page)


def test_the_preview_says_when_a_registrant_gets_the_english_for_lack_of_their_language(
    organiser_client, seminar
):
    announcement = AnnouncementFactory(seminar=seminar, subject_zh_hant="只有標題")
    chinese = seminar.registrations.get(email="two@example.com")

    page = organiser_client.get(url("preview", announcement), {"registration": chinese.pk})

    assert page.context["email"].subject == "Slides and recording are online"
    assert (
        "繁體中文 has no subject or no message, so this person gets it in English "
        "(all of it: the greeting, the date and the links too)." in text(page)
    )


def test_preview_as_tells_namesakes_apart_by_address_language_status_and_mode(organiser_client):
    hybrid = SeminarFactory(format=Seminar.Format.HYBRID, online_capacity=10)
    RegistrationFactory(
        seminar=hybrid,
        name_en="CHAN Tai Man",
        email="chan.online@example.com",
        attendance_mode="online",
    )
    RegistrationFactory(
        seminar=hybrid,
        name_en="CHAN Tai Man",
        email="chan.room@example.com",
        attendance_mode="in_person",
        preferred_language="zh-hant",
    )
    announcement = AnnouncementFactory(seminar=hybrid)

    page = organiser_client.get(url("preview", announcement))

    options = re.findall(r"<option [^>]*>([^<]*)</option>", page.content.decode())
    assert sorted(html.unescape(option) for option in options) == [
        "CHAN Tai Man · chan.online@example.com · English · Confirmed · Online",
        "CHAN Tai Man · chan.room@example.com · 繁體中文 · Confirmed · In the room",
    ]


def test_preview_as_names_no_mode_at_a_seminar_with_one_way_to_attend(organiser_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar)

    page = organiser_client.get(url("preview", announcement))

    options = re.findall(r"<option [^>]*>([^<]*)</option>", page.content.decode())
    assert "CHAN Tai Man · one@example.com · English · Confirmed" in options


def test_the_preview_escapes_what_the_organiser_typed(organiser_client, seminar):
    announcement = AnnouncementFactory(
        seminar=seminar, body_en="<script>alert('x')</script>\n<b>bold</b>"
    )

    frame = organiser_client.get(url("preview_html", announcement))

    body = frame.content.decode()
    assert "<script>" not in body and "<b>" not in body
    assert "&lt;script&gt;" in body


def test_send_a_test_to_me(organiser_client, seminar, django_capture_on_commit_callbacks):
    announcement = AnnouncementFactory(seminar=seminar, subject_en="Hello {name}")
    chan = seminar.registrations.get(email="one@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url("test", announcement), {"registration": chan.pk})

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["mei.ling@organiser.example.org"]
    assert message.subject == "[Test] Hello CHAN Tai Man"
    assert "A test is on its way to mei.ling@organiser.example.org" in text(
        organiser_client.get(response.url)
    )


def test_without_an_email_address_the_organiser_is_told_how_to_get_one(
    organiser_client, organiser, seminar
):
    organiser.email = ""
    organiser.save()
    announcement = AnnouncementFactory(seminar=seminar)

    page = organiser_client.get(url("preview", announcement))
    response = organiser_client.post(url("test", announcement), follow=True)

    assert "Your user account has no email address" in text(page)
    assert "Ask an administrator to add one" in text(response)
    assert mail.outbox == []


def test_send_now_asks_first_with_the_count_then_queues_it_once(organiser_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar)

    question = organiser_client.get(url("send", announcement))
    assert "It goes to 2 people now, each in their language." in text(question)
    assert "Audience: Status: Confirmed." in text(question)
    assert Notification.objects.count() == 0
    organiser_client.post(url("send", announcement))  # no confirmation: still only asks
    assert Notification.objects.count() == 0

    response = organiser_client.post(url("send", announcement), {"confirm": "yes"}, follow=True)
    again = organiser_client.post(url("send", announcement), {"confirm": "yes"}, follow=True)

    assert "queued for sending to 2 people" in text(response)
    assert "already been sent" in text(again)
    assert Notification.objects.filter(announcement=announcement).count() == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ANNOUNCED).count() == 1


def test_a_sent_announcement_is_read_only(organiser_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar, subject_en="Sent already")
    announcement_queue(announcement=announcement, actor=None)

    page = organiser_client.get(change_url(announcement))
    attempt = organiser_client.post(change_url(announcement), {"subject_en": "Changed"})

    words = text(page)
    assert re.search(r"Sending since [-0-9]+ [:0-9]+: 0 of 2 sent, 0 failed so far\.", words)
    assert "0 sent, 2 waiting, 0 failed, 0 not sent" in words
    assert 'name="subject_en"' not in page.content.decode()
    assert attempt.status_code == 403
    announcement.refresh_from_db()
    assert announcement.subject_en == "Sent already"


def test_a_sent_announcements_page_says_how_far_it_got_in_words(organiser_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar)
    announcement_queue(announcement=announcement, actor=None)
    first, second = Notification.objects.filter(announcement=announcement).order_by("pk")
    Notification.objects.filter(pk=first.pk).update(status=Notification.Status.SENT)

    sending = text(organiser_client.get(change_url(announcement)))
    Notification.objects.filter(pk=second.pk).update(status=Notification.Status.FAILED)
    done = text(organiser_client.get(change_url(announcement)))

    assert "1 of 2 sent, 0 failed so far." in sending
    assert re.search(r"Sent on [-0-9]+ [:0-9]+ to 2 people: 1 sent, 1 failed\.", done)
    assert "Queued for sending" not in done


def test_the_list_has_one_short_progress_column(organiser_client, seminar):
    sent = AnnouncementFactory(seminar=seminar, subject_en="Went out")
    announcement_queue(announcement=sent, actor=None)
    first, second = Notification.objects.filter(announcement=sent).order_by("pk")
    Notification.objects.filter(pk=first.pk).update(status=Notification.Status.SENT)
    Notification.objects.filter(pk=second.pk).update(status=Notification.Status.FAILED)
    AnnouncementFactory(seminar=seminar, subject_en="Still a draft")
    listing = reverse("admin:registrations_announcement_changelist")

    everything = organiser_client.get(listing)
    seminars_own = organiser_client.get(listing, {"seminar__id__exact": seminar.pk})

    assert "Subject Seminar Kind State Progress" in text(everything)
    assert "Subject Kind State Progress" in text(seminars_own)
    rows = text(seminars_own)
    assert "Went out About the seminar Sent " in rows
    assert "1 sent · 1 failed" in rows
    assert "Still a draft About the seminar Draft —" in rows


def test_schedule_and_unschedule(organiser_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar)
    when = timezone.localtime() + timedelta(days=1)

    organiser_client.post(
        url("schedule", announcement), {"send_at": when.strftime("%Y-%m-%dT%H:%M")}
    )
    announcement.refresh_from_db()
    assert announcement.state == State.SCHEDULED
    assert timezone.localtime(announcement.send_at).strftime("%H:%M") == when.strftime("%H:%M")

    organiser_client.post(url("schedule", announcement), {"unschedule": "1"})
    announcement.refresh_from_db()
    assert announcement.state == State.DRAFT


def test_a_time_in_the_past_is_refused_next_to_the_field(organiser_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar)
    past = timezone.localtime() - timedelta(hours=1)

    response = organiser_client.post(
        url("schedule", announcement), {"send_at": past.strftime("%Y-%m-%dT%H:%M")}
    )

    assert response.context["form"].errors == {
        "send_at": ["Choose a time in the future (Hong Kong time)."]
    }


def test_a_time_more_than_two_years_ahead_is_refused_next_to_the_field(organiser_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar)
    far = timezone.localtime() + timedelta(days=800)

    response = organiser_client.post(
        url("schedule", announcement), {"send_at": far.strftime("%Y-%m-%dT%H:%M")}
    )

    assert response.context["form"].errors == {
        "send_at": ["Choose a time within two years from now (Hong Kong time)."]
    }
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_message_too_long_is_refused_next_to_its_field(organiser_client, seminar):
    data = new_announcement(organiser_client, seminar, body_zh_hant="字" * 20_001)

    response = organiser_client.post(add_url(seminar), data)

    errors = response.context["adminform"].form.errors
    assert list(errors) == ["body_zh_hant"]
    assert errors["body_zh_hant"][0].startswith("A message can have at most 20,000 characters")
    assert not Announcement.objects.exists()


def test_resend_failed_asks_then_queues_them_again(organiser_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar)
    announcement_queue(announcement=announcement, actor=None)
    Notification.objects.filter(announcement=announcement).update(status=Notification.Status.FAILED)

    question = organiser_client.get(url("resend", announcement))
    organiser_client.post(url("resend", announcement), {"confirm": "yes"})

    assert "2 emails failed after every retry" in text(question)
    assert not Notification.objects.filter(status=Notification.Status.FAILED).exists()


def test_the_list_action_resends_failed_emails(organiser_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar)
    announcement_queue(announcement=announcement, actor=None)
    Notification.objects.filter(announcement=announcement).update(status=Notification.Status.FAILED)

    organiser_client.post(
        reverse("admin:registrations_announcement_changelist"),
        {"action": "resend_failed", "_selected_action": [announcement.pk]},
    )

    assert not Notification.objects.filter(status=Notification.Status.FAILED).exists()


def test_viewers_see_announcements_but_not_whom_or_how_to_send(viewer_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar)

    listing = viewer_client.get(reverse("admin:registrations_announcement_changelist"))
    page = viewer_client.get(change_url(announcement))

    assert listing.status_code == page.status_code == 200
    assert "Send now" not in text(page)
    assert url("preview", announcement) not in page.content.decode()
    for name in ("preview", "preview_html", "send", "schedule", "resend"):
        assert viewer_client.get(url(name, announcement)).status_code == 403
    assert viewer_client.post(url("test", announcement)).status_code == 403
    assert viewer_client.post(url("send", announcement), {"confirm": "yes"}).status_code == 403
    assert not Notification.objects.exists()


def test_viewers_are_not_offered_the_resend_action_and_cannot_post_it(viewer_client, seminar):
    announcement = AnnouncementFactory(seminar=seminar)
    announcement_queue(announcement=announcement, actor=None)
    Notification.objects.filter(announcement=announcement).update(status=Notification.Status.FAILED)
    listing = reverse("admin:registrations_announcement_changelist")

    page = viewer_client.get(listing)
    viewer_client.post(listing, {"action": "resend_failed", "_selected_action": [announcement.pk]})

    assert "Send failed emails again" not in text(page)
    assert Notification.objects.filter(status=Notification.Status.FAILED).count() == 2


def test_a_test_of_a_sent_announcement_is_refused_with_a_message(
    organiser_client, seminar, django_capture_on_commit_callbacks
):
    announcement = AnnouncementFactory(seminar=seminar)
    announcement_queue(announcement=announcement, actor=None)
    chan = seminar.registrations.get(email="one@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            url("test", announcement), {"registration": chan.pk}, follow=True
        )

    assert "This announcement has already been sent, so there is nothing left to test" in text(
        response
    )
    assert mail.outbox == []
    assert not Notification.objects.filter(announcement=announcement).exclude(recipient="").exists()


def test_the_list_shows_progress_in_a_fixed_number_of_queries(
    organiser_client, seminar, django_assert_max_num_queries
):
    def listing():
        return organiser_client.get(
            reverse("admin:registrations_announcement_changelist"),
            {"seminar__id__exact": seminar.pk},
        )

    announcement_queue(announcement=AnnouncementFactory(seminar=seminar), actor=None)
    listing()  # warm the caches a first page fills (permissions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        listing()
    for _ in range(10):
        announcement_queue(announcement=AnnouncementFactory(seminar=seminar), actor=None)

    with django_assert_max_num_queries(len(few)):
        page = listing()

    assert page.context["cl"].result_count == 11
    assert "Sent " in text(page)


@settings(max_examples=examples(40), **PROPERTY_SETTINGS)
@given(
    subject=st.text(max_size=250),
    body=st.one_of(st.text(max_size=400), st.sampled_from(["x" * 20_001, "{name}" * 3_334])),
    statuses=st.lists(st.sampled_from([*Status.values, "nonsense"]), max_size=4),
    purpose=st.sampled_from(["seminar", "news", "", "other"]),
)
def test_any_input_is_saved_or_refused_next_to_a_field_never_a_server_error(
    organiser_client, seminar, subject, body, statuses, purpose
):
    data = new_announcement(
        organiser_client,
        seminar,
        subject_en=subject,
        body_zh_hant=body,
        audience_statuses=statuses,
        purpose=purpose,
    )

    response = organiser_client.post(add_url(seminar), data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["adminform"].form.errors


def test_a_draft_is_deleted_until_an_email_went_out_for_it(organiser_client, seminar):
    untouched = AnnouncementFactory(seminar=seminar)
    tested = AnnouncementFactory(seminar=seminar)
    announcement_test_send(
        announcement=tested,
        registration=seminar.registrations.get(email="one@example.com"),
        address="me@example.org",
    )

    organiser_client.post(url("delete", untouched), {"post": "yes"})
    refused = organiser_client.get(url("delete", tested))

    assert not Announcement.objects.filter(pk=untouched.pk).exists()
    assert refused.status_code == 403


@settings(max_examples=examples(40), **PROPERTY_SETTINGS)
@given(
    send_at=st.one_of(
        st.text(max_size=30),
        st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
        st.sampled_from(["2099-01-01T10:00", "1999-01-01T10:00", "2026-02-30T10:00", ""]),
    )
)
def test_any_schedule_is_taken_or_refused_next_to_the_field(organiser_client, seminar, send_at):
    announcement = AnnouncementFactory(seminar=seminar)

    response = organiser_client.post(url("schedule", announcement), {"send_at": send_at})

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors["send_at"]


@settings(max_examples=examples(40), **PROPERTY_SETTINGS)
@given(
    query=st.dictionaries(
        st.sampled_from(
            ["seminar", "purpose", "audience_statuses", "audience_regions", "audience_answers"]
        ),
        st.one_of(st.text(max_size=20), st.sampled_from(["confirmed", "news", "option:1", "1"])),
    )
)
def test_any_count_request_is_answered_in_words(organiser_client, seminar, query):
    response = organiser_client.get(reverse("admin:registrations_announcement_count"), query)

    assert response.status_code == 200
    assert response.json()["text"]


HOSTILE_NAME = 'Eve<meta http-equiv="refresh" content="1;url=/x">'
HOSTILE_TEXT = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def test_the_preview_page_shows_hostile_names_and_texts_as_typed_never_as_markup(
    organiser_client, seminar
):
    """The plain-text version is text: a registrant's name or the organiser's words with
    markup in them are shown as typed, on every admin page about the announcement."""
    eve = RegistrationFactory(seminar=seminar, email="eve@example.com", name_en=HOSTILE_NAME)
    seminar.venue = HOSTILE_TEXT
    seminar.save()
    question = choice_question(HOSTILE_TEXT, seminar=seminar, label_en=HOSTILE_NAME)
    option = question.options.get()
    AnswerFactory(registration=eve, question=question, options=[option])
    announcement = AnnouncementFactory(
        seminar=seminar,
        subject_en=f"{HOSTILE_TEXT} for {{name}}",
        body_en=f"Dear {{name}},\n\n{HOSTILE_TEXT}\nVenue: {{venue}}",
        audience={"statuses": ["confirmed"], "answers": {str(question.pk): [option.pk]}},
    )
    pages = {
        "preview": organiser_client.get(url("preview", announcement), {"registration": eve.pk}),
        "change": organiser_client.get(change_url(announcement)),
        "send": organiser_client.get(url("send", announcement)),
        "schedule": organiser_client.get(url("schedule", announcement)),
        "list": organiser_client.get(
            reverse("admin:registrations_announcement_changelist"),
            {"seminar__id__exact": seminar.pk},
        ),
    }
    announcement_queue(announcement=announcement, actor=None)
    Notification.objects.filter(announcement=announcement).update(status=Notification.Status.FAILED)
    pages["sent"] = organiser_client.get(change_url(announcement))
    pages["resend"] = organiser_client.get(url("resend", announcement))

    for name, page in pages.items():
        content = page.content.decode()
        assert page.status_code == 200, name
        assert "<meta http-equiv" not in content, name
        assert "<script>alert" not in content and "<img src=x" not in content, name
    preview = pages["preview"].content.decode()
    assert "Dear Eve&lt;meta http-equiv=&quot;refresh&quot;" in preview
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in preview
    # The audience in words names the hostile answer, as typed.
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages["sent"].content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages["send"].content.decode()
    # The email itself keeps the name as typed: it is plain text, never read as HTML.
    assert HOSTILE_NAME in pages["preview"].context["email"].text
