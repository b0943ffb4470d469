"""The API's write endpoints: registrations made, cancelled, approved or declined, check-ins,
attendance imports."""

urlpatterns: list = []
