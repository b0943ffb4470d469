"""Signing in with a second factor through the admin's login: set-up, codes, recovery codes,
wrong codes, and the password lockout that still comes first."""

import re
from base64 import b32encode

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from organiser.two_factor.errors import WRONG_CODE
from organiser.two_factor.services import recovery_codes_left
from tests.hypothesis_budget import examples

from .conftest import app_code, enrol, password_sign_in, wait_is_over

pytestmark = pytest.mark.django_db
VERIFY = reverse("two_factor:verify")


def field_error(response) -> str:
    """The message shown next to the code field (its own element, which the field names)."""
    match = re.search(r'<ul class="errorlist" id="id_code_error"><li>(.*?)</li>', response.text)
    return match.group(1) if match else ""


def test_the_password_step_leads_to_the_code_step(client, organiser, optional):
    enrol(organiser)

    signed_in = password_sign_in(client, organiser)
    admin_home = client.get(signed_in["Location"])

    assert admin_home.status_code == 302
    assert admin_home["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    page = client.get(admin_home["Location"])
    assert 'autocomplete="one-time-code"' in page.text
    assert 'id="user-tools"' not in page.text  # nothing of the admin until the code is given


def test_the_right_code_opens_the_admin_and_where_the_person_was_going(client, organiser):
    device, _codes = enrol(organiser)
    password_sign_in(client, organiser, next_url="/admin/seminar/seminar/")

    response = client.post(VERIFY, {"code": app_code(device), "next": "/admin/seminar/seminar/"})

    assert response["Location"] == "/admin/seminar/seminar/"
    assert client.get("/admin/seminar/seminar/").status_code == 200


def test_a_wrong_code_is_refused_next_to_the_field_and_the_admin_stays_shut(client, organiser):
    enrol(organiser)
    password_sign_in(client, organiser)

    response = client.post(VERIFY, {"code": "12 34 56 78", "next": "/admin/"})

    assert response.status_code == 200
    assert field_error(response) == str(WRONG_CODE)
    assert 'aria-invalid="true"' in response.text
    assert client.get("/admin/").status_code == 302


def test_a_post_without_a_code_is_answered_next_to_the_field(client, organiser):
    enrol(organiser)
    password_sign_in(client, organiser)

    response = client.post(VERIFY, {})

    assert response.status_code == 200
    assert field_error(response) == "This field is required."


def test_repeated_wrong_codes_make_the_person_wait_and_say_how_long(client, organiser):
    device, _codes = enrol(organiser)
    password_sign_in(client, organiser)
    for _ in range(4):
        client.post(VERIFY, {"code": "000001", "next": "/admin/"})
        wait_is_over(device)
    client.post(VERIFY, {"code": "000002", "next": "/admin/"})  # the fifth, just now

    refused = client.post(VERIFY, {"code": app_code(device), "next": "/admin/"})

    assert field_error(refused) == "Too many wrong codes in a row. Wait 16 seconds, then try again."
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_signs_in_once(client, organiser):
    _device, codes = enrol(organiser)
    password_sign_in(client, organiser)

    first = client.post(VERIFY, {"code": codes[3], "next": "/admin/"})
    client.post(reverse("admin:logout"))
    password_sign_in(client, organiser)
    again = client.post(VERIFY, {"code": codes[3], "next": "/admin/"})

    assert first["Location"] == "/admin/"
    assert field_error(again) == str(WRONG_CODE)
    assert recovery_codes_left(user=organiser) == 9


def test_enrolment_with_the_qr_code_then_recovery_codes_shown_once(client, organiser, required):
    password_sign_in(client, organiser)
    to_set_up = client.get(client.get("/admin/")["Location"])
    set_up = client.get(to_set_up["Location"])
    device = TOTPDevice.objects.get(user=organiser)

    confirmed = client.post(to_set_up["Location"], {"code": app_code(device), "next": "/admin/"})
    codes_page = client.get(confirmed["Location"])
    codes_again = client.get(confirmed["Location"])

    assert to_set_up["Location"] == f"{reverse('two_factor:set_up')}?next=%2Fadmin%2F"
    assert 'src="data:image/svg+xml' in set_up.text
    secret = b32encode(device.bin_key).decode()
    assert secret[:4] + " " + secret[4:8] in set_up.text
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.text)
    assert len(codes) == 10
    assert 'href="/admin/"' in codes_page.text
    assert codes_again["Location"] == reverse("two_factor:overview")
    assert client.get("/admin/").status_code == 200


def test_an_unfinished_set_up_does_not_open_the_admin(client, organiser, required):
    password_sign_in(client, organiser)
    client.get(reverse("two_factor:set_up"))

    response = client.post(reverse("two_factor:set_up"), {"code": "000000"})

    assert field_error(response) == str(WRONG_CODE)
    assert client.get("/admin/").status_code == 302


def test_with_an_app_set_up_a_password_alone_cannot_set_up_another(client, organiser):
    enrol(organiser)
    password_sign_in(client, organiser)

    response = client.get(reverse("two_factor:set_up"))

    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=organiser).count() == 1


def test_the_password_lockout_still_comes_first(client, organiser, required):
    device, _codes = enrol(organiser)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "organiser", "password": "wrong"})

    locked = password_sign_in(client, organiser)

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.post(VERIFY, {"code": app_code(device)})["Location"].startswith(
        reverse("admin:login")
    )


def test_the_code_step_sends_only_to_pages_of_this_site(client, organiser):
    device, _codes = enrol(organiser)
    password_sign_in(client, organiser)

    response = client.post(VERIFY, {"code": app_code(device), "next": "https://evil.example/"})

    assert response["Location"] == reverse("admin:index")


def test_the_code_step_and_its_refusal_in_chinese(client, organiser):
    enrol(organiser)
    password_sign_in(client, organiser)

    traditional = client.get("/zh-hant/admin/two-factor/code/")
    simplified = client.post("/zh-hans/admin/two-factor/code/", {"code": "000000"})

    assert "<h1>雙重認證</h1>" in traditional.text
    assert "請輸入驗證應用程式為本網站顯示的驗證碼。" in traditional.text
    assert "<h1>双重认证</h1>" in simplified.text
    assert field_error(simplified).startswith("验证码不正确。")


@given(code=st.text(max_size=60))
@hypothesis_settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_typed_code_gets_an_answer_not_an_error(client, organiser, code):
    TOTPDevice.objects.filter(user=organiser).delete()
    device, _codes = enrol(organiser)
    client.force_login(organiser)

    response = client.post(VERIFY, {"code": code, "next": "/admin/"})

    assert response.status_code == 200
    assert field_error(response) != ""
    assert not TOTPDevice.objects.filter(pk=device.pk, throttling_failure_count__gt=1).exists()
