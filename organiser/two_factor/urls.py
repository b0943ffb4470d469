from django.urls import path

from . import views

app_name = "two_factor"

urlpatterns = [
    path("", views.two_factor_overview, name="overview"),
    path("code/", views.two_factor_verify, name="verify"),
    path("set-up/", views.two_factor_set_up, name="set_up"),
    path("recovery-codes/", views.recovery_codes_show, name="recovery_codes"),
    path("recovery-codes/new/", views.recovery_codes_new, name="recovery_codes_new"),
    path("remove/", views.two_factor_remove_view, name="remove"),
]
