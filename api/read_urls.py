"""The API's read endpoints: seminars, programme, registrations, figures, announcements."""

urlpatterns: list = []
