"""/api/v1/: the read endpoints (read_urls.py), the writes (write_urls.py), the OpenAPI schema and
its documentation page. Anything else under /api/ answers with a JSON 404."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from .errors import api_not_found
from .views.docs import ApiDocsView

app_name = "api"

urlpatterns = [
    path("v1/", include("api.read_urls")),
    path("v1/", include("api.write_urls")),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, which the site's CSP allows (no
    # inline script); its assets come from drf-spectacular-sidecar's wheel.
    path("v1/docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    # Any path at all, newlines included (a bare `.` would leave those to the HTML 404).
    re_path(r"^[\s\S]*$", api_not_found),
]
