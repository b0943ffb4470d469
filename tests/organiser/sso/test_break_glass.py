from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils.html import escape

from organiser.sso.break_glass import BREAK_GLASS_MINUTES, tokens
from organiser.sso.errors import BreakGlassRefused
from tests.conftest import TEST_SITE_URL

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def passwords_off(sso, settings):
    settings.STAFF_PASSWORD_LOGIN = False


@pytest.fixture
def root():
    return User.objects.create_superuser("root", "root@ipd.example", "root-pw")


def break_glass_path(username: str) -> str:
    out = StringIO()
    call_command("sso_break_glass", username, stdout=out)
    link = out.getvalue().split()[-1]
    assert link.startswith(TEST_SITE_URL)
    return link.removeprefix(TEST_SITE_URL)


def test_break_glass_link_signs_the_superuser_in_once(client, passwords_off, root):
    path = break_glass_path("root")

    confirm = client.get(path)
    assert client.get("/admin/").wsgi_request.user.is_anonymous
    used = client.post(path)
    client.logout()
    again = client.post(path)

    assert confirm.status_code == 200
    assert "root" in confirm.content.decode()
    assert used.status_code == 302
    assert used["Location"] == "/admin/"
    assert again.status_code == 403
    assert escape(str(BreakGlassRefused.message)) in again.content.decode()
    assert 'id="nav-sidebar"' not in again.content.decode()  # no admin app list on it
    entry = LogEntry.objects.get(object_id=str(root.pk))
    assert "break-glass" in entry.change_message


def test_break_glass_link_expires(client, passwords_off, root, monkeypatch):
    path = break_glass_path("root")
    later = tokens._now() + timedelta(minutes=BREAK_GLASS_MINUTES, seconds=5)
    monkeypatch.setattr(tokens, "_now", lambda: later)

    response = client.post(path)

    assert response.status_code == 403
    assert client.get("/admin/").wsgi_request.user.is_anonymous


def test_break_glass_is_only_for_superusers(passwords_off):
    User.objects.create_user("staff", password="pw", is_staff=True)

    with pytest.raises(CommandError, match="not an active superuser"):
        call_command("sso_break_glass", "staff", stdout=StringIO())


def test_break_glass_link_with_a_changed_token_is_refused(client, passwords_off, root):
    path = break_glass_path("root")

    response = client.post(path.rstrip("/") + "0/")

    assert response.status_code == 403


def test_break_glass_needs_single_sign_on(root):
    with pytest.raises(CommandError, match="password sign-in is on"):
        call_command("sso_break_glass", "root", stdout=StringIO())
