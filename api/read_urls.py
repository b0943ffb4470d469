"""The API's read endpoints: seminars, programme, registrations, figures, announcements."""

from django.urls import path

from .views import registrations, seminars

urlpatterns = [
    path("seminars/", seminars.SeminarListView.as_view(), name="seminars"),
    path("seminars/<slug:slug>/", seminars.SeminarDetailView.as_view(), name="seminar"),
    path("seminars/<slug:slug>/programme/", seminars.ProgrammeView.as_view(), name="programme"),
    path("seminars/<slug:slug>/questions/", seminars.QuestionsView.as_view(), name="questions"),
    path("seminars/<slug:slug>/figures/", seminars.FiguresView.as_view(), name="figures"),
    path(
        "seminars/<slug:slug>/announcements/",
        seminars.AnnouncementListView.as_view(),
        name="announcements",
    ),
    path("registrations/", registrations.RegistrationListView.as_view(), name="registrations"),
    path(
        "registrations/<int:id>/",
        registrations.RegistrationDetailView.as_view(),
        name="registration",
    ),
]
