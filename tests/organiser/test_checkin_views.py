"""The check-in pages: who may use them, the plain-form flow, the script's JSON, bad input."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrations.models import Registration
from registrations.permissions import CHECK_IN_STAFF, ORGANISERS, VIEWERS, groups_ensure
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory
from tests.hypothesis_budget import examples

pytestmark = pytest.mark.django_db
PROPERTY_SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "max_examples": examples(25),
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
SCRIPT = {"HTTP_X_REQUESTED_WITH": "checkin"}


def user_in(django_user_model, group, name):
    groups_ensure()
    user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def staff(django_user_model):
    return user_in(django_user_model, CHECK_IN_STAFF, "door")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def seminar():
    return SeminarFactory(
        format=Seminar.Format.IN_PERSON, starts_at=timezone.now(), title_en="IP Day"
    )


def page_url(seminar):
    return reverse("checkin:page", kwargs={"slug": seminar.slug})


def test_anonymous_visitors_are_sent_to_sign_in(client, seminar):
    response = client.get(page_url(seminar))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_viewer_cannot_check_in(client, django_user_model, seminar):
    registration = RegistrationFactory(seminar=seminar)
    client.force_login(user_in(django_user_model, VIEWERS, "viewer"))

    response = client.post(page_url(seminar), {"code": registration.checkin_code})

    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None


@pytest.mark.parametrize(
    "path",
    [
        "/admin/registrations/registration/",
        "/admin/seminar/seminar/",
        "/admin/registrations/auditentry/",
        "/admin/registrations/notification/",
    ],
)
def test_check_in_staff_see_no_admin_lists(staff_client, path):
    response = staff_client.get(path)

    assert response.status_code == 403


def test_seminar_picker_lists_todays_seminar(staff_client, seminar):
    SeminarFactory(format=Seminar.Format.ONLINE, starts_at=timezone.now(), title_en="Webinar")

    response = staff_client.get(reverse("checkin:pick"))

    html = response.content.decode()
    assert "IP Day" in html
    assert "Webinar" not in html


def test_search_then_tap_checks_in_without_javascript(staff_client, seminar):
    registration = RegistrationFactory(
        seminar=seminar, name_en="CHAN Tai Man", name_zh="陳大文", organisation="Harbour Ltd"
    )

    found = staff_client.get(page_url(seminar), {"q": "陳大"}).content.decode()
    response = staff_client.post(page_url(seminar), {"registration": registration.pk, "q": "陳大"})

    assert "CHAN Tai Man" in found and "Harbour Ltd" in found and "tap to check in" in found
    html = response.content.decode()
    assert "Checked in" in html
    assert "Checked in: 1 of 1" in html
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_code_post_from_the_script_returns_the_banner(staff_client, seminar):
    registration = RegistrationFactory(seminar=seminar, status=Registration.Status.WAITLISTED)

    response = staff_client.post(page_url(seminar), {"code": registration.checkin_code}, **SCRIPT)

    data = response.json()
    assert data["state"] == "waitlisted"
    assert data["ok"] is False
    assert "Waitlisted: no seat" in data["banner"]


def test_second_scan_says_already_checked_in_at_the_time(staff_client, seminar):
    registration = RegistrationFactory(seminar=seminar)
    staff_client.post(page_url(seminar), {"code": registration.checkin_code})

    response = staff_client.post(page_url(seminar), {"code": registration.checkin_code}, **SCRIPT)

    registration.refresh_from_db()
    local = timezone.localtime(registration.checked_in_at)
    assert f"Already checked in at {local:%H:%M}" in response.json()["banner"]
    assert "by door" in response.json()["banner"]


def test_empty_code_is_a_message_next_to_the_field(staff_client, seminar):
    response = staff_client.post(page_url(seminar), {"code": "  "})

    assert response.status_code == 400
    assert "Type the check-in code or pick a person from the search." in response.content.decode()


def test_undo_within_the_minutes(staff_client, seminar):
    registration = RegistrationFactory(seminar=seminar)
    checked = staff_client.post(page_url(seminar), {"code": registration.checkin_code})
    assert "Undo (within 2 minutes)" in checked.content.decode()

    response = staff_client.post(
        reverse("checkin:undo", kwargs={"slug": seminar.slug}), {"registration": registration.pk}
    )

    assert "Check-in undone." in response.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_search_page_at_5000_registrants_has_bounded_queries(
    staff_client, seminar, django_assert_max_num_queries
):
    Registration.objects.bulk_create(
        RegistrationFactory.build(seminar=seminar, name_en=f"WONG {n}", email=f"w{n}@example.com")
        for n in range(5000)
    )

    # Session, user, permissions, seminar, the search and the counts: the same at any size.
    with django_assert_max_num_queries(8):
        response = staff_client.get(page_url(seminar), {"q": "wong"}, **SCRIPT)

    assert response.content.decode().count('name="registration"') == 20


def walk_in_post(**overrides):
    data = {
        "name_en": "HO Ka Yan",
        "name_zh": "",
        "email": "ka.yan@example.com",
        "organisation": "Lantau Works",
        "phone": "",
        "participant_type": "other",
        "preferred_language": "en",
        "consent": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def test_walk_in_form_registers_and_checks_in(staff_client, seminar):
    url = reverse("checkin:walk_in", kwargs={"slug": seminar.slug})

    response = staff_client.post(url, walk_in_post())

    assert "Checked in" in response.content.decode()
    registration = Registration.objects.get(email="ka.yan@example.com")
    assert registration.checked_in_at is not None
    assert registration.source == Registration.Source.DESK


def test_walk_in_when_full_keeps_the_form_and_says_so(staff_client):
    seminar = SeminarFactory(format=Seminar.Format.IN_PERSON, capacity=1)
    RegistrationFactory(seminar=seminar)
    url = reverse("checkin:walk_in", kwargs={"slug": seminar.slug})

    response = staff_client.post(url, walk_in_post())

    assert response.status_code == 400
    html = response.content.decode()
    assert "The room is full: nobody was registered." in html
    assert 'value="Lantau Works"' in html
    assert not Registration.objects.filter(email="ka.yan@example.com").exists()


def test_walk_in_without_consent_or_name_says_which_field(staff_client, seminar):
    url = reverse("checkin:walk_in", kwargs={"slug": seminar.slug})

    response = staff_client.post(url, walk_in_post(consent=None, name_en=""))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a name in English or in Chinese (at least one)." in html
    assert "This field is required." in html
    assert not Registration.objects.exists()


@settings(**PROPERTY_SETTINGS)
@given(query=st.text(max_size=120), code=st.text(max_size=60))
def test_search_and_code_never_fail(staff_client, seminar, query, code):
    RegistrationFactory(seminar=seminar, name_en="CHAN Tai Man")

    searched = staff_client.get(page_url(seminar), {"q": query.replace("\x00", "")})
    posted = staff_client.post(page_url(seminar), {"code": code.replace("\x00", "")}, **SCRIPT)

    assert searched.status_code == 200
    assert posted.status_code in (200, 400)


@settings(**PROPERTY_SETTINGS)
@given(
    name_en=st.text(max_size=250),
    name_zh=st.text(max_size=120),
    email=st.one_of(st.emails(), st.text(max_size=60)),
    organisation=st.text(max_size=300),
    phone=st.text(max_size=40),
    participant_type=st.sampled_from(["other", "sme", "", "ceo"]),
    consent=st.sampled_from(["on", None]),
)
def test_walk_in_form_never_fails_and_never_half_saves(
    staff_client, seminar, name_en, name_zh, email, organisation, phone, participant_type, consent
):
    Registration.objects.filter(seminar=seminar).delete()
    Seminar.objects.filter(pk=seminar.pk).update(seats_taken=0)
    url = reverse("checkin:walk_in", kwargs={"slug": seminar.slug})
    fields = {
        "name_en": name_en,
        "name_zh": name_zh,
        "email": email,
        "organisation": organisation,
        "phone": phone,
        "participant_type": participant_type,
        "consent": consent,
    }
    posted = walk_in_post(**{k: v.replace("\x00", "") if v else v for k, v in fields.items()})

    response = staff_client.post(url, posted)

    assert response.status_code in (200, 400)
    saved = Registration.objects.filter(seminar=seminar)
    if response.status_code == 200:
        assert saved.get().checked_in_at is not None
    else:
        assert not saved.exists()


def test_tap_with_another_seminars_registration_id_shows_nobody(staff_client, seminar):
    other = SeminarFactory(title_en="Secret Summit")
    elsewhere = RegistrationFactory(seminar=other, name_en="HIDDEN Person", organisation="Org X")

    response = staff_client.post(page_url(seminar), {"registration": elsewhere.pk}, **SCRIPT)

    data = response.json()
    assert data["state"] == "unknown"
    for leaked in ("HIDDEN Person", "Org X", "Secret Summit"):
        assert leaked not in data["banner"]
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


def test_code_of_another_seminar_names_the_person_and_seminar_only(staff_client, seminar):
    other = SeminarFactory(title_en="Other Day")
    elsewhere = RegistrationFactory(seminar=other, name_en="WRONG Door", organisation="Org Y")

    banner = staff_client.post(page_url(seminar), {"code": elsewhere.checkin_code}, **SCRIPT)

    banner = banner.json()["banner"]
    assert "Not for this seminar" in banner and "WRONG Door" in banner and "Other Day" in banner
    assert "Org Y" not in banner


def ended_seminar():
    return SeminarFactory(
        format=Seminar.Format.IN_PERSON, starts_at=timezone.now() - timedelta(days=2)
    )


def test_ended_seminar_page_says_closed_and_refuses_check_in_and_walk_ins(staff_client, mailoutbox):
    over = ended_seminar()
    registration = RegistrationFactory(seminar=over)
    walk_in = reverse("checkin:walk_in", kwargs={"slug": over.slug})

    page = staff_client.get(page_url(over)).content.decode()
    tapped = staff_client.post(page_url(over), {"registration": registration.pk}, **SCRIPT)
    walked = staff_client.post(walk_in, walk_in_post())

    assert "This seminar has ended: check-in is closed" in page
    assert 'id="code-form"' not in page and "Register a walk-in" not in page
    assert tapped.json()["state"] == "ended"
    assert walked.status_code == 409
    assert not Registration.objects.filter(email="ka.yan@example.com").exists()
    assert mailoutbox == []
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_organiser_can_undo_from_an_already_checked_in_result(client, django_user_model, seminar):
    organiser = user_in(django_user_model, ORGANISERS, "boss")
    client.force_login(organiser)
    registration = RegistrationFactory(seminar=seminar)
    Registration.objects.filter(pk=registration.pk).update(
        checked_in_at=timezone.now() - timedelta(hours=1), checked_in_by_label="door"
    )

    banner = client.post(page_url(seminar), {"code": registration.checkin_code}, **SCRIPT)
    undone = client.post(
        reverse("checkin:undo", kwargs={"slug": seminar.slug}), {"registration": registration.pk}
    )

    assert "Undo check-in" in banner.json()["banner"]
    assert undone.status_code == 200
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_undo_of_someone_not_checked_in_says_so(staff_client, seminar):
    registration = RegistrationFactory(seminar=seminar)

    response = staff_client.post(
        reverse("checkin:undo", kwargs={"slug": seminar.slug}), {"registration": registration.pk}
    )

    assert response.status_code == 409
    assert "Not checked in" in response.content.decode()


def test_already_checked_in_on_another_day_gives_the_date(staff_client, seminar):
    registration = RegistrationFactory(seminar=seminar)
    yesterday = timezone.now() - timedelta(days=1)
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=yesterday)

    banner = staff_client.post(page_url(seminar), {"code": registration.checkin_code}, **SCRIPT)

    local = timezone.localtime(yesterday)
    assert f"{local:%H:%M}" in banner.json()["banner"]
    assert str(local.year) in banner.json()["banner"]


def test_search_too_short_one_chinese_character_and_namesakes(staff_client):
    hybrid = SeminarFactory(
        format=Seminar.Format.HYBRID, starts_at=timezone.now(), capacity=9, online_capacity=9
    )
    RegistrationFactory(
        seminar=hybrid, name_zh="李偉", email="wai@example.com", attendance_mode="online"
    )

    short = staff_client.get(page_url(hybrid), {"q": "l"}, **SCRIPT).content.decode()
    found = staff_client.get(page_url(hybrid), {"q": "李"}, **SCRIPT).content.decode()

    assert "Type at least 2 letters" in short and "Nobody found" not in short
    assert "李偉" in found and "w***@example.com" in found and "Registered online" in found
    assert "wai@example.com" not in found


def test_walk_in_page_shows_the_collection_statement(staff_client, seminar):
    response = staff_client.get(reverse("checkin:walk_in", kwargs={"slug": seminar.slug}))

    html = response.content.decode()
    assert 'id="walk-in-statement"' in html and "Personal Data (Privacy) Ordinance" in html


def test_check_in_pages_have_a_sign_out_button(staff_client, seminar):
    html = staff_client.get(page_url(seminar)).content.decode()

    assert f'action="{reverse("admin:logout")}"' in html and "Sign out (door)" in html


def test_check_in_staff_land_on_the_check_in_page_and_admin_links_to_it(
    staff_client, client, django_user_model
):
    landed = staff_client.get(reverse("admin:index"))
    organiser_client = client.__class__()
    organiser_client.force_login(user_in(django_user_model, ORGANISERS, "boss"))
    index = organiser_client.get(reverse("admin:index")).content.decode()

    assert landed.status_code == 302 and landed["Location"] == reverse("checkin:pick")
    assert f'href="{reverse("checkin:pick")}"' in index
