"""The whole code flow against a real provider: accounts, roles, refusals, `next`, forgeries."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from organiser.sso.errors import NoRole, SignInRefused
from organiser.sso.models import StaffIdentity
from registrations.permissions import CHECK_IN_STAFF, ORGANISERS, VIEWERS
from seminar.models import Seminar
from tests.factories import SeminarFactory
from tests.hypothesis_budget import examples

from .provider import (
    DOOR_GROUP,
    ORGANISER_GROUP,
    VIEWER_GROUP,
    callback_path,
    callback_state,
    sso_sign_in,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def signed_in_as(client: Client):
    return client.get("/admin/").wsgi_request.user


def test_first_sign_in_creates_a_staff_account_with_the_mapped_role(client, sso):
    sso.person_set(
        "alice-1",
        email="alice@ipd.example",
        email_verified=True,
        preferred_username="alice",
        given_name="Alice",
        family_name="Chan",
        groups=[ORGANISER_GROUP, "/payroll"],
    )

    response = sso_sign_in(client, sso, "alice-1")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    user = User.objects.get(staff_identity__subject="alice-1")
    assert (user.username, user.email, user.get_full_name()) == (
        "alice",
        "alice@ipd.example",
        "Alice Chan",
    )
    assert user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert group_names(user) == {ORGANISERS}
    assert signed_in_as(client) == user
    assert client.get("/admin/").status_code == 200


def test_second_sign_in_matches_the_same_account_by_subject(client, sso):
    sso.person_set("bob-1", email="bob@ipd.example", groups=[VIEWER_GROUP])
    sso_sign_in(client, sso, "bob-1")
    first = User.objects.get(staff_identity__subject="bob-1")
    client.logout()
    # The provider renamed him; the subject stays, so the account does too.
    sso.person_set("bob-1", email="robert@ipd.example", groups=[VIEWER_GROUP])

    sso_sign_in(client, sso, "bob-1")

    assert User.objects.count() == 1
    assert signed_in_as(client) == first
    first.refresh_from_db()
    assert first.email == "robert@ipd.example"
    assert group_names(first) == {VIEWERS}


def test_roles_follow_the_claims_at_every_sign_in(client, sso):
    sso.person_set("carol-1", email="carol@ipd.example", groups=[ORGANISER_GROUP, DOOR_GROUP])
    sso_sign_in(client, sso, "carol-1")
    user = User.objects.get(staff_identity__subject="carol-1")
    extra = Group.objects.create(name="Newsletter editors")
    user.groups.add(extra)
    client.logout()
    sso.person_set("carol-1", email="carol@ipd.example", groups=[DOOR_GROUP])

    sso_sign_in(client, sso, "carol-1")

    # Our three roles follow the department's groups; a group given here by hand stays.
    assert group_names(user) == {CHECK_IN_STAFF, "Newsletter editors"}
    assert not signed_in_as(client).has_perm("seminar.change_seminar")


def test_a_person_taken_out_of_every_group_loses_access_at_next_sign_in(client, sso):
    sso.person_set("dan-1", email="dan@ipd.example", groups=[ORGANISER_GROUP])
    sso_sign_in(client, sso, "dan-1")
    client.logout()
    sso.person_set("dan-1", email="dan@ipd.example", groups=["/left-the-department"])

    response = sso_sign_in(client, sso, "dan-1")

    assert response.status_code == 403
    assert escape(str(NoRole.message)) in response.content.decode()
    user = User.objects.get(staff_identity__subject="dan-1")
    assert not user.is_staff
    assert group_names(user) == set()
    assert signed_in_as(client).is_anonymous


def test_a_person_with_no_mapped_group_is_refused_and_no_account_is_made(client, sso):
    sso.person_set("eve-1", email="eve@ipd.example", groups=["/finance"])

    response = sso_sign_in(client, sso, "eve-1")

    assert response.status_code == 403
    assert escape(str(NoRole.message)) in response.content.decode()
    assert User.objects.count() == 0
    assert signed_in_as(client).is_anonymous


def test_refused_page_is_in_the_visitors_language(client, sso, settings):
    sso.person_set("eve-2", email="eve2@ipd.example", groups=[])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = sso_sign_in(client, sso, "eve-2")

    assert response.status_code == 403
    assert "你的部门账户在研讨会报名系统中没有任何角色" in response.content.decode()


def test_signing_in_keeps_the_organisers_language(client, sso, settings):
    sso.person_set("lee-1", email="lee@ipd.example", groups=[ORGANISER_GROUP])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"

    sso_sign_in(client, sso, "lee-1", next_url="/zh-hant/admin/")

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    assert client.get("/zh-hant/admin/").status_code == 200


def test_check_in_staff_are_brought_back_to_the_page_they_asked_for(client, sso):
    seminar = SeminarFactory(status="published", format=Seminar.Format.IN_PERSON)
    door = f"/zh-hant/check-in/{seminar.slug}/"
    sso.person_set("fay-1", email="fay@ipd.example", groups=[DOOR_GROUP])
    login = client.get(door)
    next_url = login["Location"].split("next=")[1]
    assert (
        client.get(login["Location"]).content.decode().count(f'href="/sso/start/?next={next_url}"')
        == 1
    )

    response = sso_sign_in(client, sso, "fay-1", next_url=door)

    assert response["Location"] == door
    assert client.get(door).status_code == 200


def test_a_next_to_another_site_is_dropped(client, sso):
    sso.person_set("fay-2", email="fay2@ipd.example", groups=[DOOR_GROUP])

    response = sso_sign_in(client, sso, "fay-2", next_url="https://evil.example/admin/")

    assert response["Location"] == "/admin/"


def test_a_local_account_with_the_same_email_is_not_taken_over(client, sso):
    admin = User.objects.create_superuser("root", "it@ipd.example", "right-pw")
    sso.person_set("mallory-1", email="it@ipd.example", email_verified=True, groups=[VIEWER_GROUP])

    sso_sign_in(client, sso, "mallory-1")

    newcomer = signed_in_as(client)
    assert newcomer != admin
    assert not newcomer.is_superuser
    assert newcomer.username == "it@ipd.example"


def test_a_local_user_name_already_taken_gets_a_suffixed_account(client, sso):
    local = User.objects.create_user("grace", password="pw", is_staff=True)
    sso.person_set("grace-1", preferred_username="grace", groups=[VIEWER_GROUP])

    sso_sign_in(client, sso, "grace-1")

    newcomer = signed_in_as(client)
    assert newcomer != local
    assert newcomer.username.startswith("grace-")


def test_link_by_email_takes_over_a_staff_account_only_with_a_verified_email(client, sso, settings):
    settings.OIDC_LINK_BY_EMAIL = True
    local = User.objects.create_user("henry", "henry@ipd.example", "pw", is_staff=True)
    sso.person_set(
        "henry-1", email="henry@ipd.example", email_verified=False, groups=[VIEWER_GROUP]
    )
    sso_sign_in(client, sso, "henry-1")
    assert signed_in_as(client) != local
    client.logout()
    sso.person_set("henry-2", email="henry@ipd.example", email_verified=True, groups=[VIEWER_GROUP])

    sso_sign_in(client, sso, "henry-2")

    assert signed_in_as(client) == local
    assert StaffIdentity.objects.get(user=local).subject == "henry-2"


def test_link_by_email_never_takes_over_a_superuser(client, sso, settings):
    settings.OIDC_LINK_BY_EMAIL = True
    root = User.objects.create_superuser("root", "root@ipd.example", "pw")
    sso.person_set("ivy-1", email="root@ipd.example", email_verified=True, groups=[ORGANISER_GROUP])

    sso_sign_in(client, sso, "ivy-1")

    assert signed_in_as(client) != root
    assert not signed_in_as(client).is_superuser


def test_a_callback_from_someone_elses_sign_in_is_refused(client, sso):
    """Login CSRF: an attacker signs in at the provider and sends the victim the callback link,
    to have the victim work in the attacker's account. The state belongs to another browser."""
    sso.person_set("mallory-2", email="mallory@evil.example", groups=[ORGANISER_GROUP])
    attacker = Client()
    start = attacker.get("/sso/start/")
    forged = sso.consent(start["Location"], "mallory-2")
    client.get("/sso/start/")  # the victim has a sign-in of their own under way

    response = client.get(callback_path(forged))

    assert response.status_code == 400
    assert signed_in_as(client).is_anonymous
    assert User.objects.count() == 0


def test_a_code_swapped_into_the_victims_own_state_fails_the_nonce_check(client, sso):
    sso.person_set("mallory-3", email="mallory@evil.example", groups=[ORGANISER_GROUP])
    attacker_start = Client().get("/sso/start/")
    attacker_answer = sso.consent(attacker_start["Location"], "mallory-3")
    victim_start = client.get("/sso/start/")
    victim_state = callback_state(victim_start["Location"])
    forged = callback_path(attacker_answer).replace(callback_state(attacker_answer), victim_state)

    response = client.get(forged)

    assert response.status_code == 403
    assert escape(str(SignInRefused.message)) in response.content.decode()
    assert signed_in_as(client).is_anonymous
    assert User.objects.count() == 0


def test_a_callback_used_twice_signs_in_once(client, sso):
    sso.person_set("jack-1", email="jack@ipd.example", groups=[VIEWER_GROUP])
    start = client.get("/sso/start/")
    answer = callback_path(sso.consent(start["Location"], "jack-1"))
    assert client.get(answer).status_code == 302
    client.logout()

    replay = client.get(answer)

    assert replay.status_code in (400, 403)
    assert signed_in_as(client).is_anonymous


def test_refusals_do_not_lock_the_office_out(client, sso, settings):
    """Five people without a role behind one address would otherwise trip the lockout."""
    for number in range(settings.AXES_FAILURE_LIMIT + 1):
        sso.person_set(f"visitor-{number}", email=f"v{number}@ipd.example", groups=[])
        assert sso_sign_in(Client(), sso, f"visitor-{number}").status_code == 403
    sso.person_set("kate-1", email="kate@ipd.example", groups=[VIEWER_GROUP])

    response = sso_sign_in(client, sso, "kate-1")

    assert response.status_code == 302
    assert signed_in_as(client).is_authenticated


def test_a_provider_that_is_down_gives_a_clear_page_and_passwords_still_work(client, sso, settings):
    settings.OIDC_ISSUER = "http://localhost:9"  # nothing listens there
    User.objects.create_user("local", password="right-pw", is_staff=True)

    start = client.get("/sso/start/")
    login = client.post("/admin/login/", {"username": "local", "password": "right-pw"})

    assert start.status_code == 403
    assert escape(str(SignInRefused.message)) in start.content.decode()
    assert login.status_code == 302
    assert signed_in_as(client).username == "local"


def explicit_endpoints(settings, base: str) -> None:
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"


def test_explicit_endpoints_work_without_discovery(client, sso, settings):
    explicit_endpoints(settings, sso.issuer)
    settings.OIDC_ISSUER = sso.issuer
    sso.person_set("nina-1", email="nina@ipd.example", groups=[VIEWER_GROUP])

    response = sso_sign_in(client, sso, "nina-1")

    assert response.status_code == 302
    assert signed_in_as(client).is_authenticated


def test_an_id_token_from_another_issuer_is_refused(client, sso, settings):
    # The same provider answers as "localhost", while we trust only "127.0.0.1".
    explicit_endpoints(settings, sso.issuer)
    settings.OIDC_ISSUER = sso.issuer.replace("localhost", "127.0.0.1")
    sso.person_set("oscar-1", email="oscar@ipd.example", groups=[ORGANISER_GROUP])

    response = sso_sign_in(client, sso, "oscar-1")

    assert response.status_code == 403
    assert signed_in_as(client).is_anonymous
    assert User.objects.count() == 0


def test_sso_urls_are_not_found_when_not_configured(client):
    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/callback/?code=x&state=y").status_code == 404


query_values = st.text(max_size=40)


@hypothesis_settings(
    max_examples=examples(80), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["code", "state", "error", "error_description", "session_state"]),
        query_values,
    )
)
def test_callback_whatever_it_is_sent_signs_nobody_in_and_never_fails(sso, params):
    client = Client()
    client.get("/sso/start/")

    response = client.get("/sso/callback/", params)

    assert response.status_code in (400, 403)
    assert signed_in_as(client).is_anonymous


def test_with_two_factor_required_a_single_sign_on_session_is_not_asked_for_our_code(
    client, sso, settings, django_user_model
):
    # The provider asked for its own second factor; a password session still must give ours.
    settings.STAFF_TWO_FACTOR_REQUIRED = True
    sso.person_set("ivy-1", email="ivy@ipd.example", email_verified=True, groups=[ORGANISER_GROUP])
    sso_sign_in(client, sso, "ivy-1")
    assert client.get("/admin/").status_code == 200

    django_user_model.objects.create_user("local", password="pw-local-123", is_staff=True)
    password_client = Client()
    password_client.post("/admin/login/", {"username": "local", "password": "pw-local-123"})
    response = password_client.get("/admin/")
    assert response.status_code == 302
    assert "/two-factor/" in response["Location"]
