from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("seminars/<slug:slug>/register/", views.registration_create_view, name="create"),
    path("seminars/<slug:slug>/register/done/", views.registration_done, name="done"),
    path(
        "seminars/<slug:slug>/register/check-your-email/",
        views.registration_already_registered,
        name="already_registered",
    ),
]
