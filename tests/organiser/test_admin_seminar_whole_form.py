"""The seminar's admin page, posted back whole as a browser sends it: the reference seminar with
its programme saves (its nested sessions and speakers send hundreds of fields)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from registrations.demo import demo_load
from seminar.models import Seminar
from tests.organiser.form_post import as_post, form_fields

pytestmark = pytest.mark.django_db


def test_the_demo_seminars_with_their_programme_save_unchanged(client):
    demo_load(password="demo-pass-123")
    client.force_login(User.objects.get(username="organiser"))
    seminars = Seminar.objects.filter(sessions__isnull=False).distinct()
    assert seminars.count() >= 2

    for seminar in seminars:
        url = reverse("admin:seminar_seminar_change", args=[seminar.pk])
        fields = form_fields(client.get(url).content.decode(), form_id="seminar_form")
        assert len(fields) > 200, "the page is meant to carry the whole programme"

        response = client.post(url, as_post(fields, _continue="1", notify_registrants=""))

        assert response.status_code == 302, (seminar.slug, response.content[:2000])
        assert response.url == url
