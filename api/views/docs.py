"""The documentation page: Swagger UI from drf-spectacular-sidecar's wheel (no CDN), in a
template that fits the site's Content Security Policy (api/templates/api/swagger_ui.html)."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
