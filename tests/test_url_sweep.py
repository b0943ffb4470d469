"""Every URL pattern of the project, visited as an anonymous visitor, a logged-in non-staff user
and a "Seminar viewers" member: nobody reaches personal data they should not see."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver

from registrations.health import SCHEDULER, WORKER, heartbeat_record
from registrations.models import AuditEntry, Notification, Registration
from registrations.permissions import VIEWERS, groups_ensure
from seminar.models import Organisation, Seminar, Session, Speaker

pytestmark = pytest.mark.django_db
ADMIN_OPEN = ("admin/login/", "admin/logout/", "admin/password_reset", "admin/reset/")


def url_patterns(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


@pytest.fixture
def data(demo_module):
    # The background work is up (else /readyz rightly answers 503, which the sweep counts).
    heartbeat_record(name=SCHEDULER)
    heartbeat_record(name=WORKER)
    registration = Registration.objects.filter(phone__gt="").exclude(name_zh="").first()
    registration.refresh_from_db()
    object_ids = {
        "registration": registration.pk,
        "notification": Notification.objects.values_list("pk", flat=True).first() or 1,
        "auditentry": AuditEntry.objects.values_list("pk", flat=True).first() or 1,
        "seminar": registration.seminar_id,
        "session": Session.objects.values_list("pk", flat=True).first(),
        "speaker": Speaker.objects.values_list("pk", flat=True).first(),
        "organisation": Organisation.objects.values_list("pk", flat=True).first(),
    }
    return registration, object_ids


def concrete(route: str, registration: Registration, object_ids: dict) -> str:
    """The route with its parameters filled in with real objects (a wrong token for /r/)."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    model = next((name for name in object_ids if f"/{name}/" in route), "registration")
    replacements = {
        r"<path:object_id>": str(object_ids[model]),
        r"<int:seminar_id>": str(registration.seminar_id),
        r"<str:file_format>": "csv",
        r"<slug:slug>": registration.seminar.slug,
        r"<token:token>": "W" * 43,
        r"\(\?P<app_label>[^)]*\)": "registrations",
        r"<[^>]+>": "1",
    }
    for pattern, value in replacements.items():
        route = re.sub(pattern, value, route)
    return "/" + route.replace("\\", "")


@pytest.fixture
def viewer(django_user_model):
    groups_ensure()
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWERS))
    return user


@pytest.mark.parametrize("role", ["anonymous", "non-staff", "viewer"])
def test_no_role_without_the_right_reaches_personal_data(
    client, django_user_model, data, role, request
):
    registration, object_ids = data
    if role == "non-staff":
        client.force_login(django_user_model.objects.create_user("visitor", password="pw"))
    elif role == "viewer":
        client.force_login(request.getfixturevalue("viewer"))
    secrets = [registration.email, registration.phone, registration.name_zh, registration.token]
    if role != "viewer":
        secrets.append(Seminar.objects.get(pk=registration.seminar_id).join_url)
    checked = 0

    for route in url_patterns():
        url = concrete(route, registration, object_ids)
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        assert response.status_code < 500, url
        leaked = [secret for secret in secrets if secret and secret in text]
        assert leaked == [], f"{role} saw personal data at {url}"
        if (
            url.startswith("/admin/")
            and role != "viewer"
            and not url.startswith(tuple("/" + path for path in ADMIN_OPEN))
        ):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url
        checked += 1

    assert checked > 90


def test_viewer_is_refused_the_people_and_exports(client, viewer, data):
    registration, _ = data
    client.force_login(viewer)

    for url in [
        "/admin/registrations/registration/",
        f"/admin/registrations/registration/{registration.pk}/change/",
        "/admin/registrations/auditentry/",
        "/admin/registrations/notification/",
        f"/admin/seminar/seminar/{registration.seminar_id}/export.csv",
        f"/admin/seminar/seminar/{registration.seminar_id}/import-attendance/",
    ]:
        assert client.get(url).status_code == 403, url
