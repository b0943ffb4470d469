"""The organisers' pages in the admin: who may see them, what they show, what they change."""

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from registrations.models import AuditEntry, Registration
from registrations.permissions import ORGANISERS, VIEWERS, groups_ensure
from tests.factories import RegistrationFactory, SeminarFactory

Status = Registration.Status
pytestmark = pytest.mark.django_db


def user_in(group_name: str | None, *, staff: bool = True):
    user = get_user_model().objects.create_user(
        f"user-{group_name or 'none'}-{staff}", password="pw", is_staff=staff
    )
    if group_name:
        groups_ensure()
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def seminar():
    seminar = SeminarFactory(capacity=3, title_en="IP Seminar")
    RegistrationFactory(seminar=seminar, email="a@example.com", participant_type="sme")
    RegistrationFactory(seminar=seminar, participant_type="government", region="mainland")
    RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    return seminar


def urls(seminar) -> dict[str, str]:
    return {
        "dashboard": reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": seminar.pk}),
        "summary": reverse("admin:seminar_seminar_summary", kwargs={"seminar_id": seminar.pk}),
        "export_csv": reverse(
            "admin:seminar_seminar_export", kwargs={"seminar_id": seminar.pk, "file_format": "csv"}
        ),
        "export_xlsx": reverse(
            "admin:seminar_seminar_export", kwargs={"seminar_id": seminar.pk, "file_format": "xlsx"}
        ),
        "import": reverse(
            "admin:seminar_seminar_attendance_import", kwargs={"seminar_id": seminar.pk}
        ),
    }


@pytest.mark.parametrize("name", ["dashboard", "summary", "export_csv", "export_xlsx", "import"])
def test_anonymous_and_non_staff_users_get_the_admin_login(client, seminar, name):
    url = urls(seminar)[name]

    anonymous = client.get(url)
    client.force_login(user_in(None, staff=False))
    non_staff = client.get(url)

    for response in (anonymous, non_staff):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("group", "allowed"),
    [
        (None, set()),
        (VIEWERS, {"dashboard", "summary"}),
        (ORGANISERS, {"dashboard", "summary", "export_csv", "export_xlsx", "import"}),
    ],
)
def test_each_role_reaches_only_its_pages(client, seminar, group, allowed):
    client.force_login(user_in(group))

    statuses = {name: client.get(url).status_code for name, url in urls(seminar).items()}

    assert {name for name, status in statuses.items() if status == 200} == allowed
    assert {status for name, status in statuses.items() if name not in allowed} <= {403}


def test_viewers_cannot_see_the_list_of_people(client, seminar):
    client.force_login(user_in(VIEWERS))

    response = client.get(reverse("admin:registrations_registration_changelist"))

    assert response.status_code == 403


def test_dashboard_shows_the_figures(client, seminar):
    client.force_login(user_in(ORGANISERS))

    response = client.get(urls(seminar)["dashboard"])

    page = response.content.decode()
    assert '<dd data-figure="confirmed">2</dd>' in page
    assert '<dd data-figure="waitlisted">1</dd>' in page
    assert '<dd data-figure="seats_left">1</dd>' in page
    assert '<dd data-figure="fill">66.7%</dd>' in page
    assert "<svg" in page and "<table" in page
    assert "Government official" in page


def test_dashboard_query_count_does_not_grow_with_registrations(client, django_assert_num_queries):
    client.force_login(user_in(ORGANISERS))
    small = SeminarFactory()
    RegistrationFactory.create_batch(2, seminar=small)
    large = SeminarFactory()
    RegistrationFactory.create_batch(60, seminar=large, participant_type="academic")
    RegistrationFactory.create_batch(20, seminar=large, status=Status.WAITLISTED, region="macao")
    client.get(urls(small)["dashboard"])  # warm the session and permission caches

    # Two of them read the answers to the seminar's questions (none here), two the organiser's
    # daily digest and the people waiting for registration to open.
    with django_assert_num_queries(9) as small_queries:
        client.get(urls(small)["dashboard"])
    with django_assert_num_queries(len(small_queries)):
        client.get(urls(large)["dashboard"])


def test_summary_gives_the_sentence_for_the_press_release(client):
    seminar = SeminarFactory()
    for participant_type, region in [
        ("sme", "hong_kong"),
        ("sme", "mainland"),
        ("ip_practitioner", "hong_kong"),
        ("government", "macao"),
    ]:
        RegistrationFactory(
            seminar=seminar, participant_type=participant_type, region=region, attended=True
        )
    client.force_login(user_in(VIEWERS))

    page = client.get(urls(seminar)["summary"]).content.decode()

    assert (
        "4 participants attended: 2 SME representatives, 1 government official and "
        "1 IP practitioner, from Hong Kong, Macao and the Mainland."
    ) in page


def test_dashboard_export_downloads_this_seminars_attendees_and_is_logged(client, seminar):
    RegistrationFactory(email="elsewhere@example.com")
    organiser = user_in(ORGANISERS)
    client.force_login(organiser)

    response = client.get(urls(seminar)["export_csv"])

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) == 4
    assert "elsewhere@example.com" not in content
    entry = AuditEntry.objects.get(action="exported")
    assert (entry.actor, entry.seminar, entry.details["rows"]) == (organiser, seminar, 3)


def test_dashboard_xlsx_export_opens(client, seminar):
    client.force_login(user_in(ORGANISERS))

    response = client.get(urls(seminar)["export_xlsx"])

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.max_row == 4


@pytest.mark.parametrize("file_format", ["pdf", "CSV", "csv.exe", "xlsx2"])
def test_export_in_an_unknown_format_is_refused_and_not_logged(client, seminar, file_format):
    client.force_login(user_in(ORGANISERS))
    url = reverse(
        "admin:seminar_seminar_export",
        kwargs={"seminar_id": seminar.pk, "file_format": file_format},
    )

    response = client.get(url)

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="exported").exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_file_is_named_after_the_seminar_and_the_time(client, file_format, settings):
    seminar = SeminarFactory(slug="ip-seminar-2026")
    client.force_login(user_in(ORGANISERS))
    url = reverse(
        "admin:seminar_seminar_export",
        kwargs={"seminar_id": seminar.pk, "file_format": file_format},
    )

    response = client.get(url)

    disposition = response["Content-Disposition"]
    assert re.fullmatch(
        rf'attachment; filename="attendees-ip-seminar-2026-\d{{8}}-\d{{4}}\.{file_format}"',
        disposition,
    ), disposition


def test_export_action_names_the_file_after_its_seminar_or_several(client):
    first = SeminarFactory(slug="first-seminar")
    second = SeminarFactory(slug="second-seminar")
    one = RegistrationFactory(seminar=first)
    other = RegistrationFactory(seminar=second)
    client.force_login(user_in(ORGANISERS))

    single = changelist_action(client, "export_csv", [one])
    several = changelist_action(client, "export_xlsx", [one, other])

    assert 'filename="attendees-first-seminar-' in single["Content-Disposition"]
    assert 'filename="attendees-several-seminars-' in several["Content-Disposition"]


def changelist_action(client, action: str, registrations, **extra):
    return client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": action, "_selected_action": [r.pk for r in registrations], **extra},
        follow=True,
    )


def test_confirm_from_waitlist_asks_first_then_confirms_and_emails(
    client, django_capture_on_commit_callbacks
):
    seminar = SeminarFactory(capacity=2)
    RegistrationFactory(seminar=seminar)
    waiting = RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    client.force_login(user_in(ORGANISERS))

    question = changelist_action(client, "confirm_from_waitlist", [waiting])
    with django_capture_on_commit_callbacks(execute=True):
        changelist_action(client, "confirm_from_waitlist", [waiting], confirm="yes")

    assert "Allow over capacity" in question.content.decode()
    assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert AuditEntry.objects.filter(registration=waiting, action="confirmed").exists()


def test_confirm_from_waitlist_refuses_beyond_capacity_unless_allowed(client):
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar)
    waiting = RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    client.force_login(user_in(ORGANISERS))

    refused = changelist_action(client, "confirm_from_waitlist", [waiting], confirm="yes")
    page = refused.content.decode()
    assert "1 registration was not confirmed and stays on the waitlist." in page
    assert page.count("The seminar is full.") == 1
    assert Registration.objects.get(pk=waiting.pk).status == Status.WAITLISTED

    changelist_action(
        client, "confirm_from_waitlist", [waiting], confirm="yes", allow_over_capacity="on"
    )

    assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED
    seminar.refresh_from_db()
    assert (seminar.capacity, seminar.seats_taken) == (2, 2)


def test_mark_attended_and_not_attended_actions(client, seminar):
    client.force_login(user_in(ORGANISERS))
    confirmed = list(seminar.registrations.filter(status=Status.CONFIRMED))

    changelist_action(client, "mark_attended", confirmed[:1], confirm="yes")
    changelist_action(client, "mark_not_attended", confirmed[1:], confirm="yes")

    assert Registration.objects.get(pk=confirmed[0].pk).attended is True
    assert Registration.objects.get(pk=confirmed[1].pk).attended is False
    assert AuditEntry.objects.filter(action="attendance").count() == 2


def test_resend_action_queues_the_details_again(
    client, seminar, django_capture_on_commit_callbacks
):
    client.force_login(user_in(ORGANISERS))
    registration = seminar.registrations.get(email="a@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        changelist_action(client, "resend_details", [registration], confirm="yes")

    assert [m.to for m in mail.outbox] == [["a@example.com"]]


def test_export_action_exports_the_filtered_selection(client, seminar):
    RegistrationFactory(email="other@example.com")
    client.force_login(user_in(ORGANISERS))
    selected = list(seminar.registrations.filter(status=Status.CONFIRMED))

    response = client.post(
        reverse("admin:registrations_registration_changelist") + "?status__exact=confirmed",
        {"action": "export_csv", "_selected_action": [r.pk for r in selected]},
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3
    entry = AuditEntry.objects.get(action="exported")
    assert entry.details["filters"] == "status__exact=confirmed"


def test_export_action_needs_the_export_permission(client, seminar):
    user = user_in(None)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_registration", "change_registration"])
    )
    client.force_login(user)

    page = client.get(reverse("admin:registrations_registration_changelist")).content.decode()

    assert 'value="cancel_registrations"' in page
    assert 'value="export_csv"' not in page


def test_changes_in_the_admin_are_recorded_with_who_made_them(client, seminar):
    organiser = user_in(ORGANISERS)
    client.force_login(organiser)
    registration = seminar.registrations.get(email="a@example.com")

    changelist_action(client, "cancel_registrations", [registration], confirm="yes")

    entry = AuditEntry.objects.get(registration=registration, action="cancelled")
    assert entry.actor == organiser
    assert entry.actor_label == organiser.username
    page = client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    ).content.decode()
    assert "Cancelled" in page and organiser.username in page


def seminar_asking(questions: int, registrations: int):
    """A seminar with `questions` multiple-choice questions, each answered by every registrant
    (with a retired option among the choices)."""
    from registrations.models import Question
    from tests.factories import AnswerFactory, QuestionOptionFactory, choice_question

    seminar = SeminarFactory()
    asked = []
    for number in range(questions):
        question = choice_question(
            "Trading", "Patents", seminar=seminar, order=number, kind=Question.Kind.MULTIPLE
        )
        QuestionOptionFactory(question=question, label_en="Mediation", order=9, retired=True)
        asked.append(question)
    for registration in RegistrationFactory.create_batch(registrations, seminar=seminar):
        for question in asked:
            AnswerFactory(
                registration=registration, question=question, options=question.options.all()[1:]
            )
    RegistrationFactory(seminar=seminar, status=Status.CANCELLED)
    return seminar


def test_dashboard_breaks_down_the_answers_to_each_choice_question(client):
    client.force_login(user_in(VIEWERS))
    seminar = seminar_asking(questions=1, registrations=4)
    seminar.questions.update(label_en="Topics of interest", label_zh_hant="感興趣的題目")

    english = client.get(urls(seminar)["dashboard"]).content.decode()
    chinese = client.get("/zh-hant" + urls(seminar)["dashboard"]).content.decode()

    table = re.search(r'<table class="breakdown answer-breakdown".*?</table>', english, re.S)[0]
    assert "Topics of interest" in table and "(4 answers)" in table
    cells = re.findall(r'<th scope="row">(.*?)</th><td>(\d+)</td><td>([\d.]*)%?', table)
    assert cells == [
        ("Trading", "0", "0.0"),
        ("Patents", "4", "100.0"),
        ("Mediation (no longer offered)", "4", "100.0"),
    ]
    assert "感興趣的題目" in chinese


def test_dashboard_query_count_does_not_grow_with_questions_or_answers(
    client, django_assert_num_queries
):
    client.force_login(user_in(ORGANISERS))
    small = seminar_asking(questions=2, registrations=5)
    large = seminar_asking(questions=6, registrations=40)
    client.get(urls(small)["dashboard"])  # warm the session and permission caches

    with django_assert_num_queries(10) as small_queries:
        client.get(urls(small)["dashboard"])
    with django_assert_num_queries(len(small_queries)):
        page = client.get(urls(large)["dashboard"]).content.decode()
    assert page.count('class="breakdown answer-breakdown"') == 6
