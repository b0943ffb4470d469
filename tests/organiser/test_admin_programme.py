"""The seminar's time and its programme in the admin: sessions (with their speakers, nested) are
typed as clock times on the seminar's day, stay inside the seminar, and moving the seminar offers
to move the programme with it."""

import html
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from registrations.permissions import VIEWERS, groups_ensure
from seminar.models import Seminar, Session, SessionSpeaker
from tests.factories import SeminarFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

STARTS_AT = timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC)  # 14:30 HKT
WEEK = timedelta(days=7)
OUTSIDE = "Sessions must be within the seminar's time"


@pytest.fixture
def organiser_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def seminar():
    seminar = SeminarFactory(
        starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(hours=2, minutes=30)
    )
    SessionFactory(seminar=seminar, title_en="Welcome remarks", starts_at=STARTS_AT)
    SessionFactory(
        seminar=seminar, title_en="Closing remarks", starts_at=STARTS_AT + timedelta(hours=2)
    )
    return seminar


def local(value: datetime) -> tuple[str, str]:
    value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d"), value.strftime("%H:%M:%S")


def _formsets_collect(formset, data: dict, forms: list) -> None:
    management = formset.management_form
    data.update(
        {management[name].html_name: management[name].value() for name in management.fields}
    )
    for form in formset.forms:
        forms.append(form)
        for nested in getattr(form, "nested_formsets", None) or []:  # a session's speakers
            _formsets_collect(nested, data, forms)


def posted_form(page) -> dict:
    """The change form and its inlines as the browser would send them back unchanged."""
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        _formsets_collect(inline.formset, data, forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False or value == "":
                continue
            if isinstance(value, datetime):
                data[f"{field.html_name}_0"], data[f"{field.html_name}_1"] = local(value)
            elif isinstance(value, time):
                data[field.html_name] = value.strftime("%H:%M")
            elif value is True:
                data[field.html_name] = "on"
            else:
                data[field.html_name] = value
    return data


def with_times(data: dict, name: str, starts_at: datetime, ends_at: datetime) -> dict:
    """The seminar's own date and time boxes (name ""), or a session's day and clock times."""
    if not name:
        data["starts_at_0"], data["starts_at_1"] = local(starts_at)
        data["ends_at_0"], data["ends_at_1"] = local(ends_at)
        return data
    data[f"{name}day"] = local(starts_at)[0]
    data[f"{name}start_time"] = local(starts_at)[1][:5]
    data[f"{name}end_time"] = local(ends_at)[1][:5]
    return data


def new_session(data: dict, index: int, title: str, kind: str = Session.Kind.TALK) -> str:
    """A session row added on the page (with its empty speakers formset); returns its prefix."""
    prefix = f"sessions-{index}-"
    data.update(
        {
            "sessions-TOTAL_FORMS": str(index + 1),
            f"{prefix}title_en": title,
            f"{prefix}kind": kind,
            f"{prefix}order": "0",
            f"{prefix}session_speakers-TOTAL_FORMS": "0",
            f"{prefix}session_speakers-INITIAL_FORMS": "0",
        }
    )
    return prefix


def with_speaker(data: dict, prefix: str, index: int, speaker, role: str = "speaker") -> None:
    speakers = f"{prefix}session_speakers-"
    data[f"{speakers}TOTAL_FORMS"] = str(index + 1)
    data.update(
        {
            f"{speakers}{index}-speaker": str(speaker.pk),
            f"{speakers}{index}-role": role,
            f"{speakers}{index}-order": str(index),
        }
    )


def change_url(seminar: Seminar) -> str:
    return reverse("admin:seminar_seminar_change", args=[seminar.pk])


def session_starts(seminar: Seminar) -> list[datetime]:
    return list(seminar.sessions.values_list("starts_at", flat=True))


def test_moving_the_seminar_moves_its_programme_and_says_so(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    assert data["move_programme"] == "on"  # offered, and ticked unless the organiser unticks it

    response = organiser_client.post(
        change_url(seminar),
        with_times(data, "", seminar.starts_at + WEEK, seminar.ends_at + WEEK),
        follow=True,
    )

    page = response.content.decode()
    assert "The programme moved with the seminar: 2 sessions moved by as much as the start." in page
    seminar.refresh_from_db()
    assert seminar.starts_at == STARTS_AT + WEEK
    assert session_starts(seminar) == [STARTS_AT + WEEK, STARTS_AT + timedelta(hours=2) + WEEK]


def test_a_session_retimed_on_the_same_form_keeps_the_time_typed_on_the_new_day(
    organiser_client, seminar
):
    data = posted_form(organiser_client.get(change_url(seminar)))
    with_times(data, "", seminar.starts_at + WEEK, seminar.ends_at + WEEK)
    # The organiser also moves the closing remarks 15 minutes earlier (the page shows the old day).
    closing = STARTS_AT + timedelta(hours=1, minutes=45)
    with_times(data, "sessions-1-", closing, closing + timedelta(minutes=30))

    response = organiser_client.post(change_url(seminar), data, follow=True)

    assert session_starts(seminar) == [STARTS_AT + WEEK, closing + WEEK]
    assert (
        "The programme moved with the seminar: 1 session moved by as much as the start. "
        "1 session whose times you changed kept the times you typed."
    ) in response.content.decode()


def test_a_later_start_moves_the_untouched_sessions_only(organiser_client, seminar):
    """The reviewer's case: the seminar starts 30 minutes later and the closing remarks are
    retyped at 16:00-16:15 in the same save; they stay there, not at 16:30."""
    data = posted_form(organiser_client.get(change_url(seminar)))
    half_hour = timedelta(minutes=30)
    with_times(data, "", seminar.starts_at + half_hour, seminar.ends_at + half_hour)
    data.update({"sessions-1-start_time": "16:00", "sessions-1-end_time": "16:15"})

    response = organiser_client.post(change_url(seminar), data)

    assert response.status_code == 302
    assert [
        (
            timezone.localtime(s.starts_at).strftime("%H:%M"),
            timezone.localtime(s.ends_at).strftime("%H:%M"),
        )
        for s in seminar.sessions.all()
    ] == [("15:00", "15:30"), ("16:00", "16:15")]


def test_a_later_start_without_moving_the_programme_is_refused_next_to_each_session(
    organiser_client, seminar
):
    data = posted_form(organiser_client.get(change_url(seminar)))
    del data["move_programme"]
    data["title_en"] = "New title typed at the same time"
    hour = timedelta(hours=1)

    response = organiser_client.post(
        change_url(seminar), with_times(data, "", seminar.starts_at + hour, seminar.ends_at + hour)
    )

    assert response.status_code == 200
    sessions = response.context["inline_admin_formsets"][0].formset
    assert [sorted(form.errors) for form in sessions.forms] == [["end_time", "start_time"], []]
    assert OUTSIDE in sessions.forms[0].errors["start_time"][0]
    form = response.context["adminform"].form
    assert form["title_en"].value() == "New title typed at the same time"  # nothing typed lost
    seminar.refresh_from_db()
    assert seminar.starts_at == STARTS_AT
    assert seminar.title_en != "New title typed at the same time"


def test_another_day_without_moving_the_programme_keeps_the_sessions_clock_times(
    organiser_client, seminar
):
    data = posted_form(organiser_client.get(change_url(seminar)))
    del data["move_programme"]

    response = organiser_client.post(
        change_url(seminar),
        with_times(data, "", seminar.starts_at + WEEK, seminar.ends_at + WEEK),
        follow=True,
    )

    assert session_starts(seminar) == [STARTS_AT + WEEK, STARTS_AT + timedelta(hours=2) + WEEK]
    assert (
        "The programme did not move with the seminar: 2 sessions kept their clock times on "
        "the seminar's new day."
    ) in html.unescape(response.content.decode())


def test_the_move_programme_box_says_what_ticked_and_unticked_do(organiser_client, seminar):
    page = html.unescape(organiser_client.get(change_url(seminar)).content.decode())

    assert "Ticked: when you change the seminar's start, every session moves" in page
    assert "Unticked: each session keeps its clock time, on the seminar's new day" in page


def test_moving_the_seminar_and_each_session_by_hand_is_accepted(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    del data["move_programme"]
    with_times(data, "", seminar.starts_at + WEEK, seminar.ends_at + WEEK)
    for index, session in enumerate(seminar.sessions.all()):
        with_times(data, f"sessions-{index}-", session.starts_at + WEEK, session.ends_at + WEEK)

    response = organiser_client.post(change_url(seminar), data, follow=True)

    assert "The programme moved" not in response.content.decode()
    assert session_starts(seminar) == [STARTS_AT + WEEK, STARTS_AT + timedelta(hours=2) + WEEK]
    seminar.refresh_from_db()
    assert seminar.starts_at == STARTS_AT + WEEK


def test_a_moved_programme_that_no_longer_fits_a_shorter_seminar_is_refused(
    organiser_client, seminar
):
    data = posted_form(organiser_client.get(change_url(seminar)))
    new_start = seminar.starts_at + WEEK

    response = organiser_client.post(
        change_url(seminar), with_times(data, "", new_start, new_start + timedelta(hours=1))
    )

    sessions = response.context["inline_admin_formsets"][0].formset
    assert [sorted(form.errors) for form in sessions.forms] == [[], ["end_time", "start_time"]]
    assert session_starts(seminar) == [STARTS_AT, STARTS_AT + timedelta(hours=2)]


def test_a_session_added_in_the_inline_outside_the_seminar_is_refused(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    prefix = new_session(data, 2, "Networking after the seminar", Session.Kind.BREAK)
    after = seminar.ends_at + timedelta(minutes=15)
    with_times(data, prefix, after, after + timedelta(hours=1))

    response = organiser_client.post(change_url(seminar), data)

    sessions = response.context["inline_admin_formsets"][0].formset
    assert OUTSIDE in sessions.forms[2].errors["start_time"][0]
    assert seminar.sessions.count() == 2


def test_the_session_admin_refuses_a_session_outside_its_seminar(organiser_client, seminar):
    session = seminar.sessions.first()
    url = reverse("admin:seminar_session_change", args=[session.pk])
    data = posted_form(organiser_client.get(url))
    next_day = seminar.starts_at + timedelta(days=1)

    response = organiser_client.post(
        url, with_times(data, "", next_day, next_day + timedelta(minutes=30))
    )

    assert response.status_code == 200
    assert OUTSIDE in response.context["adminform"].form.errors["starts_at"][0]
    session.refresh_from_db()
    assert session.starts_at == STARTS_AT


def test_move_the_programme_is_offered_only_when_there_is_a_programme(organiser_client):
    bare = SeminarFactory()

    page = organiser_client.get(change_url(bare)).content.decode()

    assert "Move the programme with the seminar" not in page


def test_the_enquiries_contact_is_edited_in_the_seminar_admin(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    data.update(
        {
            "enquiries_name_en": "Seminar Secretariat",
            "enquiries_name_zh_hant": "研討會秘書處",
            "enquiries_email": "seminar@example.gov.hk",
            "enquiries_phone": "+852 2100 2200",
        }
    )

    response = organiser_client.post(change_url(seminar), data)

    assert response.status_code == 302
    seminar.refresh_from_db()
    assert seminar.enquiries_contact == [
        "Seminar Secretariat",
        "seminar@example.gov.hk",
        "+852 2100 2200",
    ]
    assert seminar.enquiries_name_zh_hant == "研討會秘書處"


def test_an_enquiries_phone_that_is_not_a_number_is_refused_next_to_it(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    data["enquiries_phone"] = "call us"

    response = organiser_client.post(change_url(seminar), data)

    assert "enquiries_phone" in response.context["adminform"].form.errors


def test_a_new_seminar_with_a_session_outside_its_time_is_refused_and_kept(organiser_client):
    # The form of a seminar without a programme is what the add page needs, under a new slug.
    data = posted_form(organiser_client.get(change_url(SeminarFactory(starts_at=STARTS_AT))))
    data.update({"slug": "new-seminar", "title_en": "A new seminar"})
    prefix = new_session(data, 0, "Too early registration", Session.Kind.BREAK)
    with_times(data, "", STARTS_AT, STARTS_AT + timedelta(hours=2))
    early = STARTS_AT - timedelta(hours=1)
    with_times(data, prefix, early, early + timedelta(minutes=30))

    response = organiser_client.post(reverse("admin:seminar_seminar_add"), data)

    assert response.status_code == 200
    session_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert OUTSIDE in session_form.errors["start_time"][0]
    assert OUTSIDE in session_form.errors["end_time"][0]
    assert session_form["title_en"].value() == "Too early registration"
    assert response.context["adminform"].form["slug"].value() == "new-seminar"
    assert not Seminar.objects.filter(slug="new-seminar").exists()


def test_a_viewer_sees_neither_the_joining_details_nor_the_move_programme_field(client, seminar):
    groups_ensure()
    viewer = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWERS))
    client.force_login(viewer)

    page = client.get(change_url(seminar))

    assert page.status_code == 200
    html = page.content.decode()
    assert seminar.title_en in html
    for private in ("secret-room", "Passcode 424242", "Joining details", "Move programme"):
        assert private not in html


def test_an_organiser_still_edits_the_joining_details_and_moves_the_programme(
    organiser_client, seminar
):
    html = organiser_client.get(change_url(seminar)).content.decode()

    assert "secret-room" in html
    assert "Joining details" in html
    assert "Move the programme with the seminar" in html


def add_page_data(organiser_client, slug: str = "new-seminar") -> dict:
    """The add page as an organiser fills it: a seminar's own boxes, no programme yet."""
    data = posted_form(organiser_client.get(change_url(SeminarFactory(starts_at=STARTS_AT))))
    data.update({"slug": slug, "title_en": "A new seminar"})
    return with_times(data, "", STARTS_AT, STARTS_AT + timedelta(hours=2, minutes=30))


def test_a_new_seminar_is_saved_with_its_sessions_and_speakers_in_one_post(organiser_client):
    data = add_page_data(organiser_client)
    opening, talk = SpeakerFactory(name_en="WONG Ka Yan"), SpeakerFactory(name_en="CHEN Fang")
    for index, (title, offset, speakers) in enumerate(
        [("Welcome remarks", 0, [opening]), ("IP trading", 15, [talk, opening]), ("Q&A", 60, [])]
    ):
        prefix = new_session(data, index, title)
        start = STARTS_AT + timedelta(minutes=offset)
        with_times(data, prefix, start, start + timedelta(minutes=15))
        for position, speaker in enumerate(speakers):
            with_speaker(data, prefix, position, speaker)

    response = organiser_client.post(reverse("admin:seminar_seminar_add"), data)

    assert response.status_code == 302
    seminar = Seminar.objects.get(slug="new-seminar")
    assert [
        (session.title_en, timezone.localtime(session.starts_at).strftime("%H:%M"))
        for session in seminar.sessions.all()
    ] == [("Welcome remarks", "14:30"), ("IP trading", "14:45"), ("Q&A", "15:30")]
    talk_speakers = SessionSpeaker.objects.filter(session__title_en="IP trading")
    assert [row.speaker.name_en for row in talk_speakers] == ["CHEN Fang", "WONG Ka Yan"]


def test_session_times_are_clock_times_on_the_seminars_day(organiser_client, seminar):
    page = organiser_client.get(change_url(seminar))
    form = page.context["inline_admin_formsets"][0].formset.forms[1]

    assert (form["start_time"].value(), form["end_time"].value()) == (time(16, 30), time(17))
    assert form["day"].field.widget.is_hidden  # one day: nothing to choose
    html = page.content.decode()
    assert 'name="sessions-1-start_time" value="16:30"' in html
    assert "sessions-1-starts_at_0" not in html  # no date box per session


def test_a_session_ending_before_it_starts_is_refused_beside_its_end(organiser_client, seminar):
    data = posted_form(organiser_client.get(change_url(seminar)))
    data.update({"sessions-1-start_time": "16:30", "sessions-1-end_time": "16:00"})

    response = organiser_client.post(change_url(seminar), data)

    form = response.context["inline_admin_formsets"][0].formset.forms[1]
    assert form.errors == {"end_time": ["The session must end after it starts."]}
    assert form["end_time"].value() == "16:00"  # as typed


def test_a_seminar_of_several_days_offers_a_day_for_each_session(organiser_client):
    seminar = SeminarFactory(starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(days=1, hours=3))
    data = posted_form(organiser_client.get(change_url(seminar)))
    prefix = new_session(data, 0, "Second morning")
    second_day = STARTS_AT + timedelta(days=1, hours=1)
    with_times(data, prefix, second_day, second_day + timedelta(minutes=45))

    page = organiser_client.get(change_url(seminar)).content.decode()
    response = organiser_client.post(change_url(seminar), data)

    assert '<option value="2030-08-13">' in page
    assert response.status_code == 302
    assert session_starts(seminar) == [second_day]


def test_a_day_outside_a_seminar_of_several_days_is_refused_beside_it(organiser_client):
    seminar = SeminarFactory(starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(days=1, hours=3))
    data = posted_form(organiser_client.get(change_url(seminar)))
    prefix = new_session(data, 0, "A day too late")
    late = STARTS_AT + timedelta(days=2)
    with_times(data, prefix, late, late + timedelta(minutes=45))

    response = organiser_client.post(change_url(seminar), data)

    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors == {"day": ["Choose one of the seminar's days."]}
    assert form["title_en"].value() == "A day too late"
    assert not seminar.sessions.exists()


def test_a_speaker_twice_in_one_session_is_refused_beside_the_second(organiser_client, seminar):
    speaker = SpeakerFactory(name_en="LEE Chi Keung")
    data = posted_form(organiser_client.get(change_url(seminar)))
    with_speaker(data, "sessions-0-", 0, speaker)
    with_speaker(data, "sessions-0-", 1, speaker, role="moderator")

    response = organiser_client.post(change_url(seminar), data)

    session_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    speakers = session_form.nested_formsets[0]
    assert [form.errors for form in speakers.forms] == [
        {},
        {
            "speaker": [
                "LEE Chi Keung 陳講者 is already in this session. "
                "List each speaker once, with one role."
            ]
        },
    ]
    assert not SessionSpeaker.objects.exists()


def test_the_seminar_page_offers_new_speakers_and_bodies_without_leaving_it(
    organiser_client, seminar
):
    html = organiser_client.get(change_url(seminar)).content.decode()

    assert 'id="add_id_sessions-0-session_speakers-__prefix__-speaker"' in html
    assert 'id="add_id_partners-__prefix__-organisation"' in html
    assert "Save first, then add speakers." not in html
