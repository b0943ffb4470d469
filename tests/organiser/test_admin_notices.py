"""The seminar page offers to tell registrants of a change (ticked unless the organiser unticks
it), says how many it could reach, and after saving says how many were emailed: the number the
outbox holds. A draft seminar with registrants is no exception; a cancelled seminar, or a change
that concerns nobody, emails nobody."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.models import AuditEntry, Notification, Registration
from registrations.permissions import VIEWERS, groups_ensure
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory, SessionFactory
from tests.hypothesis_budget import examples
from tests.organiser.test_admin_programme import (
    STARTS_AT,
    WEEK,
    change_url,
    posted_form,
    with_times,
)
from tests.registrations.test_properties import PROPERTY_SETTINGS

Kind = Notification.Kind
Status = Registration.Status
pytestmark = pytest.mark.django_db

NEW_JOIN_URL = "https://webinar.example.com/j/55500011122"
OFFER = "Tell the 3 confirmed and waitlisted registrants what changed"


@pytest.fixture
def organiser_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def seminar():
    """Published, with a programme, two confirmed, one waitlisted and one pending registrant
    (and a cancelled one, who hears of nothing)."""
    seminar = SeminarFactory(
        starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(hours=2, minutes=30), capacity=2
    )
    SessionFactory(seminar=seminar, title_en="Welcome remarks", starts_at=STARTS_AT)
    for status in (Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED, Status.PENDING):
        RegistrationFactory(seminar=seminar, status=status)
    RegistrationFactory(seminar=seminar, status=Status.CANCELLED)
    return seminar


def notices(kind: str = Kind.SEMINAR_CHANGED) -> int:
    return Notification.objects.filter(kind=kind).count()


def save(client, seminar: Seminar, data: dict):
    return client.post(change_url(seminar), data, follow=True)


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_offer_is_ticked_and_counts_the_confirmed_and_waitlisted(organiser_client, seminar):
    page = organiser_client.get(change_url(seminar))

    html = page.content.decode()
    assert OFFER in html
    assert "all 4 registrants, including those awaiting approval" in html
    assert posted_form(page)["notify_registrants"] == "on"


def test_a_new_time_is_told_to_as_many_as_the_offer_said_and_the_message_says_so(
    organiser_client, seminar, django_capture_on_commit_callbacks
):
    data = posted_form(organiser_client.get(change_url(seminar)))

    with django_capture_on_commit_callbacks(execute=True):
        response = save(
            organiser_client,
            seminar,
            with_times(data, "", seminar.starts_at + WEEK, seminar.ends_at + WEEK),
        )

    assert notices() == 3  # as the offer said
    assert (
        "3 registrants will be emailed what changed (date and time), each what concerns them "
        "(Confirmed: 2, On the waitlist: 1)." in page_messages(response)
    )
    assert len(mail.outbox) == 3
    assert {message.subject.split(":")[0] for message in mail.outbox} == {"Change to the seminar"}
    assert "19 August 2030" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action=AuditEntry.Action.NOTIFIED)
    assert entry.details == {"fields": ["starts_at", "ends_at"], "count": 3}
    assert entry.actor.username == "boss"


def test_the_programme_moves_and_the_notices_carry_the_new_time(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))

    save(organiser_client, seminar, with_times(data, "", STARTS_AT + WEEK, seminar.ends_at + WEEK))

    seminar.refresh_from_db()
    assert seminar.sessions.get().starts_at == STARTS_AT + WEEK
    changes = Notification.objects.filter(kind=Kind.SEMINAR_CHANGED).first().changes
    assert changes["starts_at"][1] == (STARTS_AT + WEEK).isoformat()


def test_unticked_nobody_is_emailed_and_the_organiser_is_reminded(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    del data["notify_registrants"]

    response = save(
        organiser_client,
        seminar,
        with_times(data, "", seminar.starts_at + WEEK, seminar.ends_at + WEEK),
    )

    assert notices() == 0
    assert "Nobody was emailed about this change (date and time), as you chose." in (
        page_messages(response)
    )
    seminar.refresh_from_db()
    assert seminar.starts_at == STARTS_AT + WEEK
    log = organiser_client.get(reverse("admin:registrations_auditentry_changelist")).content
    assert "Registrants emailed</dt><dd>no, as the organiser chose" in log.decode()


def test_a_change_nobody_is_told_of_emails_nobody_and_says_nothing(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    data["description_en"] = "A fuller description."

    response = save(organiser_client, seminar, data)

    assert notices() == 0
    assert not [message for message in page_messages(response) if "emailed" in message]


def test_a_new_join_link_goes_only_to_the_confirmed(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    data["join_url"] = NEW_JOIN_URL

    response = save(organiser_client, seminar, data)

    recipients = Notification.objects.filter(kind=Kind.SEMINAR_CHANGED).values_list(
        "registration__status", flat=True
    )
    assert sorted(recipients) == ["confirmed", "confirmed"]
    assert (
        "2 registrants will be emailed what changed (join link), each what concerns them "
        "(Confirmed: 2)." in page_messages(response)
    )


def test_a_draft_seminar_with_registrants_offers_and_tells_them(organiser_client, seminar):
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.DRAFT)
    page = organiser_client.get(change_url(seminar))
    data = posted_form(page)

    response = save(
        organiser_client, seminar, with_times(data, "", STARTS_AT + WEEK, seminar.ends_at + WEEK)
    )

    assert OFFER in page.content.decode()
    assert notices() == 3
    assert (
        "3 registrants will be emailed what changed (date and time), each what concerns them "
        "(Confirmed: 2, On the waitlist: 1)." in page_messages(response)
    )


def test_publishing_a_draft_with_a_new_time_tells_of_the_new_time(organiser_client, seminar):
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.DRAFT)
    data = posted_form(organiser_client.get(change_url(seminar)))
    data["status"] = Seminar.Status.PUBLISHED

    save(organiser_client, seminar, with_times(data, "", STARTS_AT + WEEK, seminar.ends_at + WEEK))

    assert notices() == 3


def test_publishing_a_draft_unchanged_tells_nobody(organiser_client, seminar):
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.DRAFT)
    data = posted_form(organiser_client.get(change_url(seminar)))
    data["status"] = Seminar.Status.PUBLISHED

    save(organiser_client, seminar, data)

    assert notices() == notices(Kind.SEMINAR_CANCELLED) == 0


def test_a_cancelled_seminar_offers_nothing(organiser_client, seminar):
    Seminar.objects.filter(pk=seminar.pk).update(status=Seminar.Status.CANCELLED)

    html = organiser_client.get(change_url(seminar)).content.decode()

    assert "what changed" not in html


def test_a_seminar_without_registrants_offers_nothing(organiser_client):
    empty = SeminarFactory()

    html = organiser_client.get(change_url(empty)).content.decode()

    assert "what changed" not in html
    assert "Telling registrants" not in html


def test_a_viewer_is_offered_nothing(client, seminar):
    groups_ensure()
    viewer = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWERS))
    client.force_login(viewer)

    html = client.get(change_url(seminar)).content.decode()

    assert "what changed" not in html


def test_cancelling_emails_everyone_still_registered_and_promotes_nobody(
    organiser_client, seminar, django_capture_on_commit_callbacks
):
    data = posted_form(organiser_client.get(change_url(seminar)))
    data["status"] = Seminar.Status.CANCELLED
    data["capacity"] = 10  # seats that will never be taken

    with django_capture_on_commit_callbacks(execute=True):
        response = save(organiser_client, seminar, data)

    assert notices(Kind.SEMINAR_CANCELLED) == 4  # as the offer's help text said
    assert notices(Kind.SEMINAR_CHANGED) == notices(Kind.PROMOTED) == 0
    assert (
        "4 registrants will be emailed that the seminar is cancelled "
        "(Confirmed: 2, On the waitlist: 1, Awaiting approval: 1)." in page_messages(response)
    )
    assert (
        sorted(message.subject.split(":")[0] for message in mail.outbox)
        == ["Seminar cancelled"] * 4
    )
    assert Registration.objects.filter(status=Status.WAITLISTED).count() == 1


def test_cancelling_unticked_emails_nobody(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    data["status"] = Seminar.Status.CANCELLED
    del data["notify_registrants"]

    response = save(organiser_client, seminar, data)

    assert notices(Kind.SEMINAR_CANCELLED) == 0
    assert "Nobody was emailed about the cancellation, as you chose." in page_messages(response)


def test_going_online_tells_everyone_the_new_format(organiser_client):
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON, venue_en="Room S421", join_url="")
    RegistrationFactory(seminar=seminar, email="room@example.com")
    data = posted_form(organiser_client.get(change_url(seminar)))
    data.update(format=Seminar.Format.ONLINE, join_url=NEW_JOIN_URL)

    save(organiser_client, seminar, data)

    notice = Notification.objects.get(kind=Kind.SEMINAR_CHANGED)
    assert notice.registration.attendance_mode == "online"  # aligned before it was worked out
    assert sorted(notice.changes) == ["format", "join_url"]


def test_a_refused_save_keeps_the_organisers_choice_not_to_tell(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    del data["notify_registrants"]
    with_times(data, "", STARTS_AT + WEEK, STARTS_AT + WEEK - timedelta(hours=1))

    response = organiser_client.post(change_url(seminar), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors
    assert form["notify_registrants"].value() is False
    assert OFFER in response.content.decode()
    assert notices() == 0


def test_the_offer_reads_in_the_organisers_language(organiser_client, seminar):
    with translation.override("zh-hant"):
        url = change_url(seminar)  # /zh-hant/admin/...

    html = organiser_client.get(url).content.decode()

    assert "通知 3 位已確認及候補的報名者有何變更" in html


# Generated input against the seminar page's offer: never a server error, never a notice from a
# refused save, and the message always counts exactly the notices queued.

seminar_posts = st.fixed_dictionaries(
    {
        "notify_registrants": st.sampled_from([None, "on", "", "off", "false", "x", "\x00"]),
        "status": st.sampled_from(["published", "cancelled", "draft", "", "archived"]),
        "days": st.sampled_from([0, 0, 7, -1, 400]),
        "join_url": st.sampled_from([None, NEW_JOIN_URL, "", "not a link", "javascript:x"]),
        "venue_en": st.one_of(st.none(), st.text(max_size=20), st.just("x" * 300)),
        "format": st.sampled_from([None, "online", "in_person", "hybrid", "", "x"]),
    }
)


def queued_for(seminar: Seminar) -> dict[str, int]:
    rows = Notification.objects.filter(
        registration__seminar=seminar, kind__in=(Kind.SEMINAR_CHANGED, Kind.SEMINAR_CANCELLED)
    )
    return dict(Counter(rows.values_list("kind", flat=True)))


@settings(max_examples=examples(25), **PROPERTY_SETTINGS)
@given(post=seminar_posts)
def test_the_offer_never_errors_and_the_message_counts_what_was_queued(organiser_client, post):
    seminar = SeminarFactory(
        starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(hours=2), capacity=1
    )
    for status in (Status.CONFIRMED, Status.WAITLISTED, Status.PENDING):
        RegistrationFactory(seminar=seminar, status=status)
    data = posted_form(organiser_client.get(change_url(seminar)))
    for name, value in post.items():
        if name == "days":
            shift = timedelta(days=value)
            with_times(data, "", seminar.starts_at + shift, seminar.ends_at + shift)
        elif value is None:
            data.pop(name, None)
        else:
            data[name] = value
    before = list(Seminar.objects.filter(pk=seminar.pk).values())

    response = organiser_client.post(change_url(seminar), data)

    assert response.status_code in (200, 302)
    queued = queued_for(seminar)
    if response.status_code == 200:
        assert list(Seminar.objects.filter(pk=seminar.pk).values()) == before
        assert queued == {}
        return
    said = " ".join(str(message) for message in get_messages(response.wsgi_request))
    told = sum(queued.values())
    assert len(queued) <= 1  # a change or a cancellation, never both
    if told:
        assert re.search(rf"\b{told} registrants? will be emailed", said), said
    if post["notify_registrants"] in (None, "", "false"):  # unticked, as a checkbox reads it
        assert told == 0
    join_links = Notification.objects.filter(
        registration__seminar=seminar, changes__has_key="join_url"
    )
    assert not join_links.exclude(registration__status=Status.CONFIRMED).exists()


IN_PERSON_WARNING = (
    "This seminar is in person, so its join link and joining instructions are sent to nobody. "
    "Clear them under Joining details if the online meeting is no longer used."
)


def test_moving_an_online_seminar_into_the_room_tells_the_venue_and_warns_of_the_join_link(
    organiser_client, seminar, django_capture_on_commit_callbacks
):
    data = posted_form(organiser_client.get(change_url(seminar)))
    data.update(format=Seminar.Format.IN_PERSON, venue_en="Room S421")  # join link left as it was

    with django_capture_on_commit_callbacks(execute=True):
        response = save(organiser_client, seminar, data)

    assert IN_PERSON_WARNING in page_messages(response)
    seminar.refresh_from_db()
    assert seminar.join_url  # kept as typed: the organiser decides
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert seminar.join_url not in message.body
        assert "How to join" not in message.body
        assert "Room S421" in message.body


def test_an_online_or_in_person_seminar_without_a_join_link_is_not_warned(
    organiser_client, seminar
):
    data = posted_form(organiser_client.get(change_url(seminar)))
    online = save(organiser_client, seminar, data)
    data.update(format=Seminar.Format.IN_PERSON, venue_en="Room S421", join_url="")
    data.pop("joining_instructions_en", None)
    in_person = save(organiser_client, seminar, data)

    assert IN_PERSON_WARNING not in page_messages(online)
    assert IN_PERSON_WARNING not in page_messages(in_person)


def typhoon_paragraph(seminar: Seminar) -> None:
    from registrations.models import EmailText

    EmailText.objects.create(
        seminar=seminar,
        kind=Kind.SEMINAR_CHANGED,
        intro_en="Typhoon signal No. 8 <is> up: the seminar moves a week later.",
        intro_zh_hant="八號風球高懸，研討會延後一星期。",
    )


def notify_section(html: str) -> str:
    start = html.index("Telling registrants") if "Telling registrants" in html else 0
    return html[start : html.index('name="notify_registrants"')]


def test_the_offer_shows_the_opening_paragraph_that_will_head_the_notice(organiser_client, seminar):
    typhoon_paragraph(seminar)

    section = notify_section(organiser_client.get(change_url(seminar)).content.decode())

    assert (
        "Every change notice opens with your paragraph for “Change to the seminar” (registrants "
        "read it in their language):" in section
    )
    assert "Typhoon signal No. 8 &lt;is&gt; up: the seminar moves a week later." in section
    assert (
        "If it no longer fits this change, change or clear it under Email texts below before "
        "saving." in section
    )


def test_the_opening_paragraph_is_shown_in_the_organisers_language(organiser_client, seminar):
    typhoon_paragraph(seminar)
    with translation.override("zh-hant"):
        url = change_url(seminar)

    section = notify_section(organiser_client.get(url).content.decode())

    assert "八號風球高懸，研討會延後一星期。" in section
    assert "Typhoon signal" not in section


def test_without_an_opening_paragraph_the_offer_says_where_to_write_one(organiser_client, seminar):
    section = notify_section(organiser_client.get(change_url(seminar)).content.decode())

    assert "Change notices have no opening paragraph of yours." in section
    assert "Every change notice opens with" not in section


def test_the_offer_names_those_awaiting_approval_only_where_there_can_be_any(organiser_client):
    plain = SeminarFactory()
    for status in (Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED):
        RegistrationFactory(seminar=plain, status=status)
    screened = SeminarFactory(requires_approval=True)
    RegistrationFactory(seminar=screened)

    plain_html = organiser_client.get(change_url(plain)).content.decode()
    screened_html = organiser_client.get(change_url(screened)).content.decode()

    assert (
        "If you set the status to cancelled, all 3 registrants are emailed a cancellation "
        "instead." in plain_html
    )
    assert "awaiting approval" not in plain_html
    assert "1 registrant, including any awaiting approval, is emailed" in screened_html


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_the_offers_chinese_help_has_no_space_between_sentences(
    organiser_client, seminar, language
):
    with translation.override(language):
        url = change_url(seminar)

    form = organiser_client.get(url).context["adminform"].form
    help_text = str(form.fields["notify_registrants"].help_text)

    assert help_text.count("。") == 3
    assert "。 " not in help_text
