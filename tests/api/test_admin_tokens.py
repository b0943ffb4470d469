"""The API token admin: staff make, see and revoke their own tokens; the secret is shown once."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone
from django.utils.formats import date_format
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import EXPIRY_IN_THE_PAST, api_token_create, api_token_digest
from registrations.errors import RegistrationError

pytestmark = pytest.mark.django_db
LIST = "/admin/api/apitoken/"
SECRET = re.compile(r'id="api-token-secret" value="(smr_[^"]+)"')


@pytest.fixture
def signed_in(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def theirs(viewer):
    token, _raw = api_token_create(user=viewer, name="Viewer's report")
    return token


def _expiry(when) -> dict:
    when = timezone.localtime(when)
    return {"expires_at_0": when.strftime("%Y-%m-%d"), "expires_at_1": when.strftime("%H:%M:%S")}


def _create(client, prefix: str = "", **data):
    """Make a token through the add form and follow the redirect: (redirect, secret page)."""
    saved = client.post(f"{prefix}{LIST}add/", {"name": "CRM sync", **data})
    assert saved.status_code == 302, saved.content.decode()[:500]
    return saved, client.get(saved["Location"])


def _hidden_inputs(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)


def test_adding_a_token_redirects_to_a_page_that_shows_its_secret_once(signed_in, organiser):
    saved, shown = _create(signed_in)
    token = ApiToken.objects.get()
    assert saved["Location"] == f"{LIST}{token.pk}/created/"
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    page = shown.content.decode()
    secret = SECRET.search(page).group(1)
    assert (token.user, token.name) == (organiser, "CRM sync")
    assert token.digest == api_token_digest(secret)
    assert "It will not be shown again" in page
    # Nowhere else: not the session once shown, not the token's page, not the list.
    assert secret not in str(dict(signed_in.session))
    for url in (LIST, f"{LIST}{token.pk}/change/"):
        assert secret not in signed_in.get(url).content.decode()


def test_reloading_the_secret_page_makes_no_token_and_shows_no_secret(signed_in):
    saved, shown = _create(signed_in)
    secret = SECRET.search(shown.content.decode()).group(1)
    again = signed_in.get(saved["Location"])
    page = again.content.decode()
    assert again.status_code == 200
    assert "no-store" in again["Cache-Control"]
    assert secret not in page and "api-token-secret" not in page
    assert "was shown once, when it was made, and cannot be shown again" in page
    assert f'href="{LIST}"' in page
    assert ApiToken.objects.count() == 1


def test_two_tokens_made_one_after_the_other_each_show_their_own_secret(signed_in):
    first = signed_in.post(f"{LIST}add/", {"name": "One"})
    second = signed_in.post(f"{LIST}add/", {"name": "Two"})
    secrets = [
        SECRET.search(signed_in.get(saved["Location"]).content.decode()).group(1)
        for saved in (first, second)
    ]
    tokens = ApiToken.objects.order_by("pk")
    assert [t.digest for t in tokens] == [api_token_digest(s) for s in secrets]


def test_another_users_secret_page_is_not_found(signed_in, viewer, client):
    saved = signed_in.post(f"{LIST}add/", {"name": "Mine"})
    client.force_login(viewer)
    assert client.get(saved["Location"]).status_code == 404


def test_a_token_made_in_the_admin_works_on_the_api(signed_in):
    _saved, shown = _create(signed_in)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {SECRET.search(shown.content.decode()).group(1)}")
    assert api.get("/api/v1/registrations/").status_code == 200


def test_an_expiry_can_be_set(signed_in):
    when = timezone.now() + timedelta(days=30)
    _saved, shown = _create(signed_in, **_expiry(when))
    expires_at = timezone.localtime(ApiToken.objects.get().expires_at)
    assert expires_at.date() == timezone.localtime(when).date()
    assert "It expires on" in shown.content.decode()


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", "Choose a time in the future"),
        ("/zh-hant", "請選擇將來的時間"),
        ("/zh-hans", "请选择将来的时间"),
    ],
)
def test_an_expiry_in_the_past_is_refused_beside_the_field(signed_in, prefix, words):
    data = {"name": "Dead on arrival", **_expiry(timezone.now() - timedelta(minutes=5))}
    response = signed_in.post(f"{prefix}{LIST}add/", data)
    assert response.status_code == 200
    page = response.content.decode()
    field = page[page.index('class="form-row') :]
    field = field[field.index("field-expires_at") :]
    assert words in field[: field.index("</fieldset>")]
    assert not ApiToken.objects.exists()


def test_the_service_refuses_an_expiry_in_the_past(organiser):
    with pytest.raises(RegistrationError) as refused:
        api_token_create(user=organiser, name="x", expires_at=timezone.now() - timedelta(1))
    assert (refused.value.field, refused.value.message) == ("expires_at", EXPIRY_IN_THE_PAST)
    assert not ApiToken.objects.exists()


def test_the_add_form_has_one_button(signed_in):
    page = signed_in.get(f"{LIST}add/").content.decode()
    assert re.findall(r'<input type="submit"[^>]*>', page) == [
        '<input type="submit" value="Create token" class="default" name="_save">'
    ]


def test_staff_see_only_their_own_tokens(signed_in, organiser, theirs):
    _mine, _raw = api_token_create(user=organiser, name="Mine")
    page = signed_in.get(LIST).content.decode()
    assert "Mine" in page
    assert "Viewer&#x27;s report" not in page and "Viewer's report" not in page


def test_another_users_token_cannot_be_opened_or_revoked(signed_in, theirs):
    response = signed_in.get(f"{LIST}{theirs.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist", back to the index
    assert signed_in.get(f"{LIST}{theirs.pk}/revoke/").status_code == 404
    assert signed_in.post(f"{LIST}{theirs.pk}/revoke/", {"post": "yes"}).status_code == 404
    signed_in.post(
        LIST, {"action": "revoke_selected", "_selected_action": [theirs.pk], "post": "yes"}
    )
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_superusers_see_everyones_tokens(client, django_user_model, theirs):
    client.force_login(django_user_model.objects.create_superuser("root", "r@x.example", "pw"))
    assert "Viewer" in client.get(LIST).content.decode()


def test_revoking_from_the_tokens_page_asks_first_and_is_recorded(signed_in, organiser):
    token, _raw = api_token_create(user=organiser, name="CRM sync")
    change = f"{LIST}{token.pk}/change/"
    assert f'href="{LIST}{token.pk}/revoke/"' in signed_in.get(change).content.decode()
    question = signed_in.get(f"{LIST}{token.pk}/revoke/")
    page = question.content.decode()
    assert "Whatever uses “CRM sync” stops working at once" in page
    assert f'href="{change}"' in page  # "No, go back"
    # Neither the question nor a POST without its answer revokes.
    signed_in.post(f"{LIST}{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None
    answer = dict(_hidden_inputs(page))
    assert signed_in.post(f"{LIST}{token.pk}/revoke/", answer)["Location"] == change
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = LogEntry.objects.get(object_id=str(token.pk))
    assert (entry.user, entry.action_flag) == (organiser, CHANGE)
    assert "Revoke this token" not in signed_in.get(change).content.decode()
    assert signed_in.get(f"{LIST}{token.pk}/revoke/")["Location"] == change


def test_revoking_with_the_action_asks_first_and_is_recorded(signed_in, organiser):
    tokens = [api_token_create(user=organiser, name=f"Sync {n}")[0] for n in range(2)]
    api_token_create(user=organiser, name="Keep")
    chosen = {"action": "revoke_selected", "_selected_action": [t.pk for t in tokens]}
    question = signed_in.post(f"{LIST}?state=active", {**chosen, "index": "0"})
    page = question.content.decode()
    assert "Revoke 2 API tokens?" in page
    assert "Sync 0" in page and "Sync 1" in page and "Keep" not in page
    # A crafted answer sent with the action menu's POST still only gets the question.
    signed_in.post(LIST, {**chosen, "index": "0", "post": "yes"})
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0
    form = page[page.index("<form", page.index("Whatever uses")) :]
    assert f'action="{LIST}?state=active"' in form
    answer = {}
    for name, value in _hidden_inputs(form):
        answer.setdefault(name, []).append(value)
    signed_in.post(f"{LIST}?state=active", answer)
    revoked = set(ApiToken.objects.filter(revoked_at__isnull=False).values_list("name", flat=True))
    assert revoked == {"Sync 0", "Sync 1"}
    assert set(LogEntry.objects.values_list("object_id", "user")) == {
        (str(t.pk), organiser.pk) for t in tokens
    }


def test_the_action_on_revoked_tokens_has_nothing_to_do(signed_in, organiser):
    token, _raw = api_token_create(user=organiser, name="Old")
    token.revoked_at = timezone.now()
    token.save()
    page = signed_in.post(
        LIST, {"action": "revoke_selected", "_selected_action": [token.pk], "index": "0"}
    ).content.decode()
    assert "Nothing to revoke" in page and 'name="post"' not in page


def test_the_tokens_page_shows_the_user_as_text_and_no_help_on_the_expiry(signed_in, organiser):
    token, _raw = api_token_create(user=organiser, name="CRM")
    page = signed_in.get(f"{LIST}{token.pk}/change/").content.decode()
    assert "/admin/auth/user/" not in page
    assert re.search(r"field-user_column.*?mei\.ling", page, re.S)
    assert "Does not expire" in page
    assert "Leave empty for a token that does not expire" not in page
    assert (
        "Leave empty for a token that does not expire"
        in signed_in.get(f"{LIST}add/").content.decode()
    )
    when = timezone.now() + timedelta(days=3)
    dated, _raw = api_token_create(user=organiser, name="Dated", expires_at=when)
    page = signed_in.get(f"{LIST}{dated.pk}/change/").content.decode()
    assert date_format(timezone.localtime(when), "DATETIME_FORMAT") in page


def test_the_list_shows_name_state_last_used_and_expiry_first(signed_in, organiser):
    api_token_create(user=organiser, name="CRM")
    page = signed_in.get(LIST).content.decode()
    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert columns[:4] == ["name", "state_column", "last_used_column", "expires_list_column"]


def test_the_list_filters_by_state(signed_in, organiser):
    _active, _ = api_token_create(user=organiser, name="Alpha")
    revoked, _ = api_token_create(user=organiser, name="Bravo")
    revoked.revoked_at = timezone.now()
    revoked.save()
    expired, _ = api_token_create(user=organiser, name="Charlie")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    for state, name in [("active", "Alpha"), ("revoked", "Bravo"), ("expired", "Charlie")]:
        page = signed_in.get(f"{LIST}?state={state}").content.decode()
        shown = {n for n in ("Alpha", "Bravo", "Charlie") if f">{n}<" in page}
        assert shown == {name}


def test_the_secret_cannot_be_seen_or_edited(signed_in, organiser):
    token, raw = api_token_create(user=organiser, name="Old")
    signed_in.post(f"{LIST}{token.pk}/change/", {"name": "Renamed", "digest": "0" * 64})
    token.refresh_from_db()
    assert token.name == "Renamed"
    assert token.digest == api_token_digest(raw)
    assert "digest" not in signed_in.get(f"{LIST}{token.pk}/change/").content.decode()


def test_staff_without_a_role_manage_their_own_tokens(client, no_role):
    client.force_login(no_role)
    assert client.get("/admin/").content.decode().count("API tokens") >= 1
    assert client.post(f"{LIST}add/", {"name": "Mine"}).status_code == 302


def test_check_in_staff_reach_their_tokens_at_the_tokens_address(client, door_staff):
    """/admin/ sends them to the check-in page (organiser/admin/checkin_home.py); the token
    list is still theirs at its own address."""
    client.force_login(door_staff)
    assert client.get("/admin/")["Location"].endswith("/check-in/")
    assert client.get(LIST).status_code == 200
    _saved, shown = _create(client)
    assert ApiToken.objects.get().user == door_staff
    assert SECRET.search(shown.content.decode())


@pytest.mark.parametrize("prefix", ["", "/zh-hant", "/zh-hans"])
def test_the_token_pages_work_in_each_language(signed_in, organiser, prefix):
    token, _raw = api_token_create(user=organiser, name="CRM")
    assert signed_in.get(f"{prefix}{LIST}").status_code == 200
    page = signed_in.get(f"{prefix}{LIST}{token.pk}/change/").content.decode()
    question = signed_in.get(f"{prefix}{LIST}{token.pk}/revoke/").content.decode()
    add = signed_in.get(f"{prefix}{LIST}add/").content.decode()
    saved, shown = _create(signed_in, prefix)
    assert saved["Location"].startswith(f"{prefix}{LIST}")
    again = signed_in.get(saved["Location"]).content.decode()
    english = [
        (page, "Revoke this token"),
        (question, "stops working at once"),
        (add, "Create token"),
        (shown.content.decode(), "It will not be shown again"),
        (again, "cannot be shown again"),
    ]
    for text, words in english:
        assert (words in text) is (prefix == "")
