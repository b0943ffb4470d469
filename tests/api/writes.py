"""Bodies for the write endpoints' tests."""

from tests.factories import registration_data


def registration_body(**overrides) -> dict:
    """A valid create body: the registrant's fields as JSON, as a program sends them."""
    data = {
        key: str(value) if key != "news_opt_in" else value
        for key, value in registration_data().items()
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def create_url(seminar) -> str:
    return f"/api/v1/seminars/{seminar.slug}/registrations/"
