from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from .language import language_choose
from .views import healthz

handler400 = "config.views.bad_request"
handler500 = "config.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Readiness of the background work and Prometheus metrics (docs/operations.md, Monitoring).
    path("", include("organiser.monitoring.urls")),
    path("language/", language_choose, name="language_choose"),
    # Not under a language prefix: programs ask for a language with Accept-Language.
    path("api/", include("api.urls")),
    # Staff single sign-on: one callback URL to register at the provider, whatever the language.
    path("sso/", include("organiser.sso.urls")),
]

# English pages have no prefix; Chinese pages live under /zh-hant/ and /zh-hans/. The admin too:
# `/admin/` stays English (every existing link and reverse() keeps working), `/zh-hant/admin/` is
# the same admin in Traditional Chinese, and reverse() inside it keeps the prefix.
urlpatterns += i18n_patterns(
    # The steps after the password (docs/staff-sign-in.md), under the admin's address.
    path("admin/two-factor/", include("organiser.two_factor.urls")),
    path("admin/", admin.site.urls),
    path("check-in/", include("organiser.checkin.urls")),
    path("", include("seminar.urls")),
    path("", include("registrations.urls")),
    prefix_default_language=False,
)
