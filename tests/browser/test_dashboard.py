"""The seminar dashboard in a real browser: values visitors typed into a link (a referral code,
a campaign source) cannot make the page wider than the window."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.browser.conftest import screenshot
from tests.factories import RegistrationFactory, SeminarFactory

pytestmark = pytest.mark.django_db(transaction=True)
# The longest value the fields hold, in wide letters, with nowhere a browser would break a line.
UNBROKEN = "W" * 100


def log_in(page, live_server) -> None:
    user = get_user_model().objects.create_superuser("organiser", "o@example.com", "pw-12345")
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.parametrize("width", [1280, 360])
def test_the_dashboard_fits_the_window_with_long_unbroken_link_values(page, live_server, width):
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, ref=UNBROKEN, utm_source=UNBROKEN)
    log_in(page, live_server)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(
        live_server.url
        + reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": seminar.pk})
    )
    screenshot(page, f"admin-dashboard-long-values-{width}")

    assert page.get_by_text(UNBROKEN).count() >= 2  # both breakdowns show the value
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width
