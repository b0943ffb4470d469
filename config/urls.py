from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from .views import healthz

handler400 = "config.views.bad_request"
handler500 = "config.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

# English pages have no prefix; Chinese pages live under /zh-hant/ and /zh-hans/.
urlpatterns += i18n_patterns(
    path("", include("seminar.urls")),
    path("", include("registrations.urls")),
    prefix_default_language=False,
)
