"""The admin reads as the organisers' product: its name, its icon, breadcrumbs on every page of
ours, a registration list that fits the screen and an audit log in words."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from registrations.models import AuditEntry, Registration
from registrations.services import (
    attendees_export_record,
    registration_attendance_set,
    registration_cancel,
    registration_create,
    registration_mode_change,
    registration_update,
    waitlist_promote,
)
from seminar.models import AttendanceMode
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    registration_data,
    registration_post_data,
)

Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(db):
    return get_user_model().objects.create_superuser("mei.ling", "mei@example.com", "pw")


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def text(response) -> str:
    """The page as a person reads it: tags gone, each element's text apart from the next."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def breadcrumbs(response) -> str:
    return response.content.decode().split('<ol class="breadcrumbs">')[1].split("</ol>")[0]


def test_admin_is_named_seminar_registration_not_django(organiser_client):
    page = organiser_client.get(reverse("admin:index")).content.decode()

    assert '<div id="site-name"><a href="/admin/">Seminar registration</a></div>' in page
    assert "<title>Organiser tools | Seminar registration</title>" in page
    assert "Django" not in page


def test_admin_name_is_translated():
    with translation.override("zh-hant"):
        hant = (str(admin.site.site_header), str(admin.site.index_title))
    with translation.override("zh-hans"):
        hans = (str(admin.site.site_header), str(admin.site.index_title))

    assert hant == ("研討會報名", "主辦機構工具")
    assert hans == ("研讨会报名", "主办方工具")


def test_admin_and_public_pages_link_the_favicon(organiser_client, client):
    icon = f'<link rel="icon" href="{settings.STATIC_URL}img/favicon.svg" type="image/svg+xml">'

    admin_page = organiser_client.get(reverse("admin:index")).content.decode()
    public_page = client.get(reverse("seminar:list")).content.decode()

    assert icon in admin_page
    assert icon in public_page
    svg = Path(settings.BASE_DIR, "static", "img", "favicon.svg").read_text()
    assert svg.startswith("<svg") and "</svg>" in svg


@pytest.mark.parametrize(
    ("name", "page"),
    [("seminar_seminar_dashboard", "Dashboard"), ("seminar_seminar_summary", "Post-event summary")],
)
def test_seminar_pages_have_breadcrumbs_back_through_the_seminar(organiser_client, name, page):
    seminar = SeminarFactory(title_en="IP Seminar")

    response = organiser_client.get(reverse(f"admin:{name}", kwargs={"seminar_id": seminar.pk}))

    crumbs = breadcrumbs(response)
    links = re.findall(r'href="([^"]+)"', crumbs)
    assert links == [
        reverse("admin:index"),
        reverse("admin:app_list", kwargs={"app_label": "seminar"}),
        reverse("admin:seminar_seminar_changelist"),
        reverse("admin:seminar_seminar_change", args=[seminar.pk]),
    ]
    items = [strip_tags(item).strip() for item in re.findall(r"<li.*?</li>", crumbs, re.S)]
    assert items == ["Home", "Programme", "Seminars", "IP Seminar", page]
    assert f'<li aria-current="page">{page}</li>' in crumbs


def test_registration_list_has_few_columns_with_both_names_in_one(organiser_client):
    seminar = SeminarFactory(
        title_en="Guangdong/Hong Kong Seminar on Intellectual Property and Development of SMEs"
    )
    RegistrationFactory(
        seminar=seminar, name_en="CHAN Tai Man", name_zh="陳大文", email="tai.man.chan@example.com"
    )

    response = organiser_client.get(reverse("admin:registrations_registration_changelist"))

    headers = [
        strip_tags(header).strip()
        for header in re.findall(
            r'<th scope="col" class="sortable.*?</th>', response.content.decode(), re.S
        )
    ]
    assert headers == ["Name", "Status", "Seminar", "Registered at"]
    page = text(response)
    assert "CHAN Tai Man 陳大文 tai.man.chan@ example.com" in page
    assert "Guangdong/Hong Kong Seminar on …" in page
    registered = timezone.localtime(Registration.objects.get().created_at)
    assert f"{registered:%Y-%m-%d %H:%M}" in page


def test_registration_list_query_count_does_not_grow_with_rows(
    organiser_client, django_assert_num_queries
):
    url = reverse("admin:registrations_registration_changelist")
    RegistrationFactory.create_batch(3)
    organiser_client.get(url)  # warm the session and permission caches

    with django_assert_num_queries(10) as few:
        organiser_client.get(url)
    RegistrationFactory.create_batch(40)
    with django_assert_num_queries(len(few)):
        organiser_client.get(url)


def test_audit_log_says_who_once_and_filters_by_person_not_by_by(organiser_client, organiser):
    registration = RegistrationFactory()
    registration_cancel(registration=registration, actor=organiser)

    response = organiser_client.get(reverse("admin:registrations_auditentry_changelist"))

    page = text(response)
    assert "By by" not in page
    assert "By person" in page
    assert "Who" in page
    entry = AuditEntry.objects.get(action="cancelled")
    detail = text(
        organiser_client.get(reverse("admin:registrations_auditentry_change", args=[entry.pk]))
    )
    assert detail.count("By:") == 0
    assert detail.count("Who:") == 1
    assert "Cancelled: mei.ling" in detail


def test_audit_entries_read_as_words_not_json(organiser_client, organiser):
    seminar = SeminarFactory(capacity=1)
    registration = RegistrationFactory(seminar=seminar)
    waiting = RegistrationFactory(seminar=seminar, status=Status.WAITLISTED)
    registration_update(
        registration=registration,
        data={"organisation": "Harbour Trading Co. Ltd.", "region": "macao"},
        actor=organiser,
    )
    registration_attendance_set(registration=registration, attended=True, actor=organiser)
    registration_cancel(registration=registration, actor=organiser)
    # A seat free with someone waiting: the promotion runs with nobody logged in.
    roomy = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=roomy, status=Status.WAITLISTED, name_en="LEE Siu Ming")
    waitlist_promote(seminar=roomy)
    attendees_export_record(
        queryset=seminar.registrations.all(), actor=organiser, file_format="xlsx", filters=""
    )

    page = text(organiser_client.get(reverse("admin:registrations_auditentry_changelist")))

    assert "{" not in page
    assert "Organisation Pearl River Technology Ltd. → Harbour Trading Co. Ltd." in page
    assert "Based in Hong Kong → Macao" in page
    assert "Attended — → yes" in page
    assert "Status before Confirmed" in page
    assert "Format XLSX Rows 2" in page
    assert "Automatic (waitlist promotion) Promoted from the waitlist" in page
    assert "LEE Siu Ming" in page
    assert waiting.display_name in page


def test_attendance_modes_in_the_audit_log_read_as_words_in_the_organisers_language(
    organiser_client, organiser
):
    seminar = SeminarFactory(format="hybrid", capacity=10, online_capacity=10)
    registration = registration_create(
        seminar=seminar, data=registration_data(attendance_mode="online")
    )
    registration_mode_change(registration=registration, mode="in_person", actor=organiser)
    url = reverse("admin:registrations_auditentry_changelist")

    english = text(organiser_client.get(url))
    chinese = text(organiser_client.get("/zh-hant" + url))

    assert "Attendance mode Online" in english
    assert "Attendance mode Online → In the room" in english
    assert "Mode online" not in english and "in_person" not in english
    with translation.override("zh-hant"):
        online, room = str(AttendanceMode.ONLINE.label), str(AttendanceMode.IN_PERSON.label)
    assert f"出席方式 {online} → {room}" in chinese


def test_a_registrations_history_reads_in_words_and_the_page_still_saves(
    organiser_client, organiser
):
    registration = RegistrationFactory(organisation="Old Org Ltd.")
    registration_attendance_set(registration=registration, attended=False, actor=organiser)
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    response = organiser_client.get(url)
    page = text(response)
    data = registration_post_data(email=registration.email, organisation="New Org Ltd.")
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update(
            {management.add_prefix(name): value for name, value in management.initial.items()}
        )
        for form in formset.formset.forms:
            data[form.add_prefix("id")] = form.instance.pk
            data[form.add_prefix("registration")] = registration.pk
    saved = organiser_client.post(url, data)

    assert "Audit log" in page
    assert "Attended — → no" in page
    assert " by mei.ling" not in page
    assert saved.status_code == 302
    assert Registration.objects.get(pk=registration.pk).organisation == "New Org Ltd."


def test_audit_log_query_count_does_not_grow_with_entries(
    organiser_client, organiser, django_assert_num_queries
):
    url = reverse("admin:registrations_auditentry_changelist")
    for registration in RegistrationFactory.create_batch(2):
        registration_cancel(registration=registration, actor=organiser)
    organiser_client.get(url)  # warm the session and permission caches

    with django_assert_num_queries(9) as few:
        organiser_client.get(url)
    for registration in RegistrationFactory.create_batch(30):
        registration_attendance_set(registration=registration, attended=True, actor=organiser)
    with django_assert_num_queries(len(few)):
        organiser_client.get(url)


def test_audit_details_read_in_a_fixed_order_whatever_order_the_database_keeps():
    from organiser.admin.audit import details_terms

    stored_by_postgresql = {"rows": 2, "format": "xlsx", "filters": ""}
    edited = {
        "changed": {"region": {"from": "macao", "to": "other"}, "name_en": {"from": "A", "to": "B"}}
    }

    assert [term for term, _ in details_terms(stored_by_postgresql)] == [
        "Format",
        "Rows",
        "Filters",
    ]
    assert [term for term, _ in details_terms(edited)] == ["Name in English", "Based in"]


def test_change_notices_and_announcements_read_in_the_organisers_language():
    from organiser.admin.audit import details_terms

    notice = {"fields": ["starts_at", "venue"], "count": 12}
    announced = {"announcement": 3, "subject": "Slides", "audience": "Everyone", "recipients": 40}

    with translation.override("en"):
        assert details_terms(notice) == [
            ("What changed", "Starts at, Venue"),
            ("Emails queued", "12"),
        ]
    with translation.override("zh-hant"):
        terms = dict(details_terms(announced))
        assert terms["收件人數"] == "40"
        assert "Recipients" not in terms


def test_a_change_not_told_as_chosen_reads_so_in_the_organisers_language():
    from organiser.admin.audit import details_terms

    withheld = {"fields": ["join_url"], "count": 0, "notice": "withheld"}

    with translation.override("en"):
        assert details_terms(withheld) == [
            ("What changed", "Join link"),
            ("Emails queued", "0"),
            ("Registrants emailed", "no, as the organiser chose"),
        ]
    with translation.override("zh-hans"):
        assert "Registrants emailed" not in dict(details_terms(withheld))
