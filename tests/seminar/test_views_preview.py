"""A draft at its public address: a 404 for the public, a preview for organisers."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from registrations.permissions import VIEWERS, groups_ensure
from seminar.models import Seminar
from tests.factories import SeminarFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def draft():
    return SeminarFactory(slug="draft-2027", title_en="Draft Seminar", status=Seminar.Status.DRAFT)


@pytest.fixture
def viewer(client, django_user_model):
    groups_ensure()
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWERS))
    client.force_login(user)
    return client


def test_anonymous_visitors_get_not_found(client, draft):
    assert client.get("/seminars/draft-2027/").status_code == 404


def test_staff_without_view_permission_get_not_found(client, django_user_model, draft):
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))

    assert client.get("/seminars/draft-2027/").status_code == 404


@pytest.mark.parametrize(
    ("prefix", "banner"),
    [("", "Draft preview: not public."), ("/zh-hant", "草稿預覽"), ("/zh-hans", "草稿预览")],
)
def test_organisers_preview_a_draft_marked_as_such(viewer, draft, prefix, banner):
    response = viewer.get(f"{prefix}/seminars/draft-2027/")

    page = response.content.decode()
    assert response.status_code == 200
    assert banner in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert '<button type="button" class="btn btn-primary btn-lg" disabled>' in page
    assert f"{prefix}/seminars/draft-2027/register/" not in page


def test_preview_is_never_cached_for_anyone_else(client, viewer, draft):
    viewer.get("/seminars/draft-2027/")
    client.logout()

    assert client.get("/seminars/draft-2027/").status_code == 404
    assert cache.get("page:en:/seminars/draft-2027/") is None


def test_published_seminar_is_the_ordinary_page_for_organisers_too(viewer):
    SeminarFactory(slug="public-2027")

    page = viewer.get("/seminars/public-2027/").content.decode()

    assert "Draft preview" not in page
    assert cache.get("page:en:/seminars/public-2027/") is not None
