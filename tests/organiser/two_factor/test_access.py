"""Which pages a signed-in session reaches before its second factor: none of the staff pages
when two-factor is required or the person has an app; all of them otherwise; and single
sign-on sessions count as verified."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organiser.two_factor.services import RESET_LOG_MESSAGE, two_factor_enrolled
from registrations.permissions import CHECK_IN_STAFF
from seminar.models import Seminar
from tests.factories import SeminarFactory

from .conftest import app_code, enrol, password_sign_in, staff_user

pytestmark = pytest.mark.django_db
VERIFY = reverse("two_factor:verify")
MODEL_BACKEND = f"{ModelBackend.__module__}.{ModelBackend.__qualname__}"


@pytest.fixture
def seminar():
    return SeminarFactory(format=Seminar.Format.IN_PERSON, starts_at=timezone.now())


def staff_pages(seminar) -> list[str]:
    return [
        "/admin/",
        "/zh-hant/admin/",
        "/zh-hans/admin/registrations/registration/",
        f"/admin/seminar/seminar/{seminar.pk}/change/",
        "/admin/auth/user/",
        "/check-in/",
        f"/check-in/{seminar.slug}/",
        f"/zh-hans/check-in/{seminar.slug}/",
    ]


def test_required_staff_without_an_app_reach_no_staff_page_but_set_up(
    client, organiser, seminar, required
):
    client.force_login(organiser)

    answers = {}
    for url in staff_pages(seminar):
        client.cookies.pop("django_language", None)  # each page in its own URL's language
        answers[url] = client.get(url)

    assert {url: response.status_code for url, response in answers.items()} == {
        url: 302 for url in staff_pages(seminar)
    }
    for url, response in answers.items():
        # The code page in the language of the page asked for.
        prefix = url[: url.index("/", 1)] if url.startswith("/zh-") else ""
        assert response["Location"].startswith(f"{prefix}{VERIFY}?next="), url
    client.cookies.pop("django_language", None)
    assert client.get(VERIFY)["Location"].startswith(reverse("two_factor:set_up"))


def test_check_in_staff_on_the_door_page_are_sent_to_the_code_step_then_back(
    client, django_user_model, seminar, required
):
    door = staff_user(django_user_model, "door", group=CHECK_IN_STAFF)
    device, _codes = enrol(door)
    page = f"/check-in/{seminar.slug}/"
    password_sign_in(client, door, next_url=page)

    to_code = client.get(page)
    back = client.post(VERIFY, {"code": app_code(device), "next": page})

    assert to_code["Location"] == f"{VERIFY}?next=%2Fcheck-in%2F{seminar.slug}%2F"
    assert back["Location"] == page
    assert client.get(page).status_code == 200


def test_when_not_required_staff_without_an_app_go_straight_in(
    client, organiser, seminar, optional
):
    password_sign_in(client, organiser)

    assert client.get("/admin/").status_code == 200
    assert client.get(f"/check-in/{seminar.slug}/").status_code in {200, 403}
    assert client.get(VERIFY + "?next=/admin/")["Location"] == "/admin/"


def test_when_optional_staff_pages_pay_no_query_for_two_factor(
    client, organiser, seminar, optional, settings
):
    client.force_login(organiser)
    page = f"/check-in/{seminar.slug}/"
    with CaptureQueriesContext(connection) as with_two_factor:
        client.get(page)
    settings.MIDDLEWARE = [
        name
        for name in settings.MIDDLEWARE
        if name.split(".")[0] not in {"django_otp", "organiser"}
    ]

    with CaptureQueriesContext(connection) as without:
        client.get(page)

    assert len(with_two_factor) == len(without)


def test_when_not_required_staff_with_an_app_must_still_give_a_code(client, organiser, optional):
    enrol(organiser)

    password_sign_in(client, organiser)

    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_logging_out_and_the_two_factor_pages_stay_open(client, organiser, required):
    client.force_login(organiser)

    assert client.get(reverse("two_factor:set_up")).status_code == 200
    assert client.get(reverse("admin:login")).status_code == 302  # to the admin, then the code
    assert client.post(reverse("admin:logout")).status_code == 200
    assert "_auth_user_id" not in client.session


def test_public_pages_and_the_api_are_not_concerned(client, organiser, seminar, required):
    client.force_login(organiser)

    assert client.get(reverse("seminar:detail", kwargs={"slug": seminar.slug})).status_code == 200
    assert client.get("/api/v1/seminars/").status_code == 200


def test_single_sign_on_sessions_count_as_verified(client, organiser, settings, required):
    settings.OTP_EXEMPT_AUTH_BACKENDS = [MODEL_BACKEND]
    client.force_login(organiser, backend=MODEL_BACKEND)

    assert client.get("/admin/").status_code == 200


def test_other_backends_are_not_exempt(client, organiser, settings, required):
    settings.OTP_EXEMPT_AUTH_BACKENDS = ["some.sso.Backend"]
    client.force_login(organiser, backend=MODEL_BACKEND)

    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_staff_set_it_up_from_the_admins_user_links(client, organiser, optional):
    client.force_login(organiser)

    home = client.get("/admin/")
    overview = client.get(reverse("two_factor:overview"))

    assert f'href="{reverse("two_factor:overview")}"' in home.text
    assert f'href="{reverse("two_factor:set_up")}"' in overview.text


def test_staff_remove_their_own_app_after_giving_a_code(client, organiser, optional):
    device, _codes = enrol(organiser)
    password_sign_in(client, organiser)
    client.post(VERIFY, {"code": app_code(device), "next": "/admin/"})

    refused = client.post(reverse("two_factor:remove"), {"code": "nonsense"})
    removed = client.post(reverse("two_factor:remove"), {"code": app_code(device, steps=1)})

    assert refused.status_code == 200
    assert 'id="id_code_error"' in refused.text
    assert removed["Location"] == reverse("two_factor:overview")
    assert not two_factor_enrolled(user=organiser)
    assert client.get("/admin/").status_code == 200


def test_new_recovery_codes_from_the_overview_replace_the_old(client, organiser, optional):
    device, old = enrol(organiser)
    password_sign_in(client, organiser)
    client.post(VERIFY, {"code": app_code(device), "next": "/admin/"})

    shown = client.get(client.post(reverse("two_factor:recovery_codes_new"))["Location"])

    assert shown.status_code == 200
    assert not any(code in shown.text for code in old)


def test_a_superuser_resets_a_lost_phone_in_the_user_admin(client, organiser, django_user_model):
    enrol(organiser)
    boss = staff_user(django_user_model, "boss", is_superuser=True)
    client.force_login(boss, backend=MODEL_BACKEND)
    changelist = reverse("admin:auth_user_changelist")

    listed = client.get(changelist)
    selection = {"action": "two_factor_reset_action", "_selected_action": [organiser.pk]}
    question = client.post(changelist, {**selection, "index": "0"})
    asked_only = two_factor_enrolled(user=organiser)
    client.post(changelist, {**selection, "confirm": "yes"})

    assert "two_factor_reset_action" in listed.text
    assert "<li>organiser</li>" in question.text
    assert asked_only
    assert not two_factor_enrolled(user=organiser)
    entry = LogEntry.objects.get(object_id=str(organiser.pk))
    assert entry.user == boss
    assert entry.get_change_message() == RESET_LOG_MESSAGE


def test_only_superusers_may_reset(client, django_user_model):
    from django.contrib.auth.models import Permission

    manager = staff_user(django_user_model, "manager")
    manager.user_permissions.add(*Permission.objects.filter(codename__endswith="_user"))
    client.force_login(manager, backend=MODEL_BACKEND)

    listed = client.get(reverse("admin:auth_user_changelist"))

    assert listed.status_code == 200
    assert "two_factor_reset_action" not in listed.text
