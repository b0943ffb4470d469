"""The attendance import pages: upload shows a preview and changes nothing, a separate
confirmation applies it, past imports are listed and can be reverted after a question."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from registrations.attendance_import import attendance_import_plan
from registrations.models import AttendanceImport, Registration
from registrations.permissions import ORGANISERS, VIEWERS, groups_ensure
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    attendance_report,
    seminar_with_report_cast,
)

pytestmark = pytest.mark.django_db
ZOOM_WEBINAR = "zoom_webinar_attendee_report.csv"


@pytest.fixture
def organiser(django_user_model):
    groups_ensure()
    user = django_user_model.objects.create_user("organiser", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    return user


@pytest.fixture
def seminar():
    return seminar_with_report_cast()


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def import_url(seminar) -> str:
    return reverse("admin:seminar_seminar_attendance_import", kwargs={"seminar_id": seminar.pk})


def batch_url(name: str, batch: AttendanceImport) -> str:
    return reverse(
        f"admin:seminar_seminar_attendance_{name}",
        kwargs={"seminar_id": batch.seminar_id, "batch_id": batch.pk},
    )


def upload(client, seminar, content: bytes, name: str = ZOOM_WEBINAR, **fields):
    return client.post(import_url(seminar), {"report": SimpleUploadedFile(name, content), **fields})


def attendance(seminar) -> dict[str, tuple]:
    return {
        r.email: (r.attended, r.minutes_online)
        for r in Registration.objects.filter(seminar=seminar)
    }


def confirm(client, batch):
    digest = attendance_import_plan(batch=batch).digest
    return client.post(batch_url("preview", batch), {"digest": digest})


def test_mark_everyone_else_absent_is_off_by_default(organiser_client, seminar):
    page = organiser_client.get(import_url(seminar)).content.decode()

    checkbox = re.search(r'<input[^>]*name="mark_absent"[^>]*>', page).group(0)
    assert "checked" not in checkbox


def test_upload_shows_what_will_happen_and_changes_nothing(organiser_client, seminar):
    before = attendance(seminar)

    response = upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR))

    batch = AttendanceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch_url("preview", batch)
    page = organiser_client.get(response["Location"]).content.decode()
    assert attendance(seminar) == before
    assert "Nothing has changed yet." in page
    sections = {
        name: re.search(rf'<table id="{name}">.*?</table>', page, re.S).group(0)
        for name in ("will-attend", "not-eligible", "no-shows", "unmatched")
    }
    assert "CHAN Tai Man" in sections["will-attend"]
    assert "attended, 141 minutes" in sections["will-attend"]
    assert "NG Ka Yan" in sections["not-eligible"]
    assert "LAM Chi Keung" in sections["not-eligible"]
    assert "siu.ling@ho-design.example.hk" in sections["no-shows"]
    assert "walk.in@unregistered.example.com" in sections["unmatched"]
    assert "you did not ask to mark anyone absent" in page


def test_asking_to_mark_the_others_absent_shows_exactly_who(organiser_client, seminar):
    response = upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR), mark_absent="on")

    page = organiser_client.get(response["Location"]).content.decode()
    absent = re.search(r'<table id="will-be-absent">.*?</table>', page, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", absent) == ["HO Siu Ling", "WONG Kar Fai"]


def test_confirming_applies_it_and_lists_it_with_a_revert_link(organiser_client, seminar):
    upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR))
    batch = AttendanceImport.objects.get()

    response = confirm(organiser_client, batch)

    assert response.status_code == 302
    assert response["Location"] == import_url(seminar)
    assert attendance(seminar)["tai.man@harbour-trading.example.hk"] == (True, 141)
    page = organiser_client.get(import_url(seminar)).content.decode()
    assert "3 marked attended, 0 marked absent, 3 registrations changed" in page
    history = re.search(r'<table id="past-imports">.*?</table>', page, re.S).group(0)
    assert ZOOM_WEBINAR in history
    assert "organiser" in history
    assert batch_url("revert", batch) in history


def test_a_second_click_on_confirm_applies_nothing_more(organiser_client, seminar):
    upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR))
    batch = AttendanceImport.objects.get()
    confirm(organiser_client, batch)

    again = organiser_client.post(batch_url("preview", batch), {"digest": "x"}, follow=True)

    assert "This import was already applied; it was not applied again." in again.content.decode()
    assert AttendanceImport.objects.get().changed == 3


def test_an_altered_confirmation_says_so_neutrally_and_shows_the_preview_again(
    organiser_client, seminar
):
    upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR))
    batch = AttendanceImport.objects.get()
    before = attendance(seminar)

    response = organiser_client.post(batch_url("preview", batch), {"digest": "tampered"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "This preview is out of date or was altered" in page
    assert "Registrations changed" not in page
    assert f'name="digest" value="{attendance_import_plan(batch=batch).digest}"' in page
    assert attendance(seminar) == before


def test_the_wrong_seminars_report_is_refused_next_to_the_file_field(organiser_client):
    other = SeminarFactory(starts_at=timezone.now() - timedelta(days=1))
    RegistrationFactory(seminar=other, email="someone.else@example.com", attended=True)

    response = upload(organiser_client, other, attendance_report(ZOOM_WEBINAR), mark_absent="on")

    assert response.status_code == 200
    assert "Nobody in this report is registered for this seminar" in str(
        response.context["form"].errors["report"]
    )
    assert not AttendanceImport.objects.exists()
    assert Registration.objects.get(email="someone.else@example.com").attended is True


def test_a_file_with_no_readable_row_lists_every_problem(organiser_client, seminar):
    content = b"Name,Email,Duration (Minutes)\nCHAN,tai.man@example.com,lots\nHO,ho@,5\n"

    response = upload(organiser_client, seminar, content)

    assert response.context["form"].errors["report"] == [
        "No row of the participants table could be read.",
        "Line 2: “lots” is not a duration.",
        "Line 3: “ho@” is not an email address.",
    ]


def test_a_report_too_large_is_refused_before_it_is_read(organiser_client, seminar):
    content = b"Name,Email,Duration (Minutes)\n" + b"x" * (10 * 1024 * 1024)

    response = upload(organiser_client, seminar, content)

    assert "larger than 10 MB" in str(response.context["form"].errors["report"])


def test_the_preview_lists_rows_it_could_not_read(organiser_client, seminar):
    content = attendance_report(ZOOM_WEBINAR) + b"Yes,Odd,,,odd@example.com,,,,,,,,soon,Yes,\r\n"

    response = upload(organiser_client, seminar, content)

    page = organiser_client.get(response["Location"]).content.decode()
    assert "Line 22: “soon” is not a duration." in page


def test_the_preview_warns_when_the_seminar_has_not_started(organiser_client):
    upcoming = SeminarFactory()
    RegistrationFactory(seminar=upcoming, email="li.wei@gba-ip.example.cn")

    response = upload(organiser_client, upcoming, attendance_report(ZOOM_WEBINAR))

    page = organiser_client.get(response["Location"]).content.decode()
    assert "This seminar has not started yet" in page


def test_revert_asks_first_then_restores(organiser_client, seminar):
    upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR))
    batch = AttendanceImport.objects.get()
    confirm(organiser_client, batch)

    question = organiser_client.get(batch_url("revert", batch))

    assert attendance(seminar)["li.wei@gba-ip.example.cn"] == (True, 90)
    assert "puts back the value before the import" in question.content.decode()
    done = organiser_client.post(batch_url("revert", batch), follow=True)
    assert attendance(seminar)["li.wei@gba-ip.example.cn"] == (None, None)
    page = done.content.decode()
    assert "reverted: 3 registrations restored." in page
    assert "Reverted on" in page


def test_the_pages_keep_their_breadcrumbs(organiser_client, seminar):
    upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR))
    batch = AttendanceImport.objects.get()

    for url in (import_url(seminar), batch_url("preview", batch)):
        page = organiser_client.get(url).content.decode()
        crumbs = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', page, re.S).group(1)
        texts = [text.strip() for text in re.sub(r"<[^>]+>", "|", crumbs).split("|")]
        texts = [text for text in texts if text]
        assert texts[0] == "Home"
        assert texts[3:5] == [seminar.title, "Import attendance"]


def test_a_batch_is_reached_only_through_its_own_seminar(organiser_client, seminar):
    upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR))
    batch = AttendanceImport.objects.get()
    other = SeminarFactory()

    url = reverse(
        "admin:seminar_seminar_attendance_preview",
        kwargs={"seminar_id": other.pk, "batch_id": batch.pk},
    )

    assert organiser_client.get(url).status_code == 404


def test_viewers_cannot_preview_confirm_or_revert(client, django_user_model, seminar, organiser):
    client.force_login(organiser)
    upload(client, seminar, attendance_report(ZOOM_WEBINAR))
    batch = AttendanceImport.objects.get()
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWERS))
    client.force_login(viewer)

    for url in (batch_url("preview", batch), batch_url("revert", batch)):
        assert client.get(url).status_code == 403
        assert client.post(url, {"digest": "x"}).status_code == 403
    assert AttendanceImport.objects.get().status == "previewed"


def test_the_preview_and_history_take_a_fixed_number_of_queries(
    organiser_client, seminar, django_assert_num_queries
):
    upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR), mark_absent="on")
    batch = AttendanceImport.objects.get()
    confirm(organiser_client, batch)
    upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR), mark_absent="on")
    pending = AttendanceImport.objects.get(status="previewed")
    for number in range(20):
        RegistrationFactory(seminar=seminar, email=f"extra{number}@example.com")

    # session, user, permissions (user's and group's), seminar, batch with its seminar,
    # registrations: the same with 7 or 27 registrants
    with django_assert_num_queries(7):
        organiser_client.get(batch_url("preview", pending))
    # session, user, permissions (two), seminar, past imports
    with django_assert_num_queries(6):
        organiser_client.get(import_url(seminar))
    # session, user, permissions (two), seminar, batch, a later applied import, its changes
    # with their registrations
    with django_assert_num_queries(8):
        organiser_client.get(batch_url("revert", batch))


def test_dashboard_list_filter_and_summary_agree_after_an_import(organiser_client, seminar):
    upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR), mark_absent="on")
    confirm(organiser_client, AttendanceImport.objects.get())

    dashboard = organiser_client.get(
        reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": seminar.pk})
    )
    filtered = organiser_client.get(
        reverse("admin:registrations_registration_changelist"),
        {"seminar__id__exact": seminar.pk, "attended__exact": "1"},
    )
    summary = organiser_client.get(
        reverse("admin:seminar_seminar_summary", kwargs={"seminar_id": seminar.pk})
    )

    assert dashboard.context["headcounts"].attended == 3
    assert 'data-figure="attended">3<' in dashboard.content.decode()
    assert filtered.context["cl"].result_count == 3
    assert summary.context["headline"].startswith("3 participants attended:")


def test_the_preview_lists_the_first_twenty_unreadable_rows_and_counts_the_rest(
    organiser_client, seminar
):
    rows = [b"CHAN,tai.man@harbour-trading.example.hk,60"] + [
        f"Bad {number},bad{number}@example.com,soon".encode() for number in range(25)
    ]
    content = b"Name,Email,Duration (Minutes)\n" + b"\n".join(rows) + b"\n"

    response = upload(organiser_client, seminar, content)

    page = organiser_client.get(response["Location"]).content.decode()
    problems = re.search(r'<ul id="problems">.*?</ul>', page, re.S).group(0)
    assert problems.count("is not a duration") == 20
    assert "…and 5 more lines that could not be read." in problems


def test_out_of_order_confirm_and_reverts_never_leave_attendance_no_import_explains(
    organiser_client, seminar
):
    before = attendance(seminar)
    upload(organiser_client, seminar, attendance_report("teams_attendance_list.csv"))
    teams = AttendanceImport.objects.get()
    upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR), mark_absent="on")
    zoom = AttendanceImport.objects.exclude(pk=teams.pk).get()
    confirm(organiser_client, zoom)
    after_zoom = attendance(seminar)

    refused = confirm(organiser_client, teams)

    assert "Here is a fresh preview" in refused.content.decode()
    assert attendance(seminar) == after_zoom
    confirm(organiser_client, teams)  # the fresh preview, confirmed
    assert AttendanceImport.objects.get(pk=teams.pk).status == "applied"

    page = organiser_client.post(batch_url("revert", zoom), follow=True).content.decode()
    assert "revert the later import first" in page
    assert batch_url("revert", teams) in page
    assert AttendanceImport.objects.get(pk=zoom.pk).status == "applied"
    organiser_client.post(batch_url("revert", teams))
    organiser_client.post(batch_url("revert", zoom))
    assert attendance(seminar) == before


def test_the_history_offers_to_revert_only_the_latest_applied_import(organiser_client, seminar):
    for _number in range(2):
        upload(organiser_client, seminar, attendance_report(ZOOM_WEBINAR))
        confirm(organiser_client, AttendanceImport.objects.get(status="previewed"))
    older, latest = AttendanceImport.objects.order_by("applied_at")

    page = organiser_client.get(import_url(seminar)).content.decode()

    assert page.count(batch_url("revert", latest)) == 2  # its own link and the older one's
    assert batch_url("revert", older) not in page
    assert "to revert it, revert the later import first" in page
    question = organiser_client.get(batch_url("revert", older), follow=True).content.decode()
    assert "revert the later import first" in question
