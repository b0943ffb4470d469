"""Password sign-in on the admin's login page, with and without single sign-on."""

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.utils.html import escape

from organiser.sso.forms import PASSWORD_SIGN_IN_OFF

pytestmark = pytest.mark.django_db
User = get_user_model()
SSO_BUTTON = "Sign in with your department account"
PASSWORD_FORM = 'id="login-form"'


@pytest.fixture
def staff():
    return User.objects.create_user("staff", password="right-pw", is_staff=True)


def signed_in(client) -> bool:
    return client.get("/admin/").wsgi_request.user.is_authenticated


def test_without_sso_the_login_page_is_the_password_form_alone(client, staff):
    page = client.get("/admin/login/").content.decode()

    response = client.post("/admin/login/", {"username": "staff", "password": "right-pw"})

    assert PASSWORD_FORM in page
    assert SSO_BUTTON not in page
    assert response.status_code == 302
    assert signed_in(client)


def test_with_sso_the_page_offers_both_while_passwords_are_on(client, sso, staff):
    page = client.get("/admin/login/").content.decode()

    response = client.post("/admin/login/", {"username": "staff", "password": "right-pw"})

    assert PASSWORD_FORM in page
    assert SSO_BUTTON in page
    assert response.status_code == 302
    assert signed_in(client)


def test_the_button_carries_the_providers_name_when_set(client, sso, settings):
    settings.OIDC_PROVIDER_NAME = "IPD Staff Portal"

    page = client.get("/zh-hant/admin/login/").content.decode()

    assert "IPD Staff Portal" in page


def test_passwords_off_hides_the_form_and_refuses_a_right_password(client, sso, settings, staff):
    settings.STAFF_PASSWORD_LOGIN = False
    User.objects.create_superuser("root", "root@ipd.example", "root-pw")

    page = client.get("/admin/login/").content.decode()
    staff_post = client.post("/admin/login/", {"username": "staff", "password": "right-pw"})
    root_post = client.post("/admin/login/", {"username": "root", "password": "root-pw"})

    assert PASSWORD_FORM not in page
    assert SSO_BUTTON in page
    assert escape(str(PASSWORD_SIGN_IN_OFF)) in page
    for response in (staff_post, root_post):
        assert response.status_code == 200
        assert escape(str(PASSWORD_SIGN_IN_OFF)) in response.content.decode()
    assert not signed_in(client)
    # Refused before any password was checked: nothing for the lockout to count.
    assert AccessAttempt.objects.count() == 0


def test_a_password_post_never_reaches_the_provider_even_with_a_code_in_its_url(
    client, sso, staff, monkeypatch
):
    calls = []
    monkeypatch.setattr(requests, "post", lambda *args, **kwargs: calls.append(args))

    response = client.post(
        "/admin/login/?code=stolen&state=guessed", {"username": "staff", "password": "wrong"}
    )

    assert response.status_code == 200
    assert not signed_in(client)
    assert calls == []
