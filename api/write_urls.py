"""The API's write endpoints: registrations made, cancelled, approved or declined, check-ins,
attendance imports."""

from django.urls import path

from .views.attendance import AttendanceImportApplyView, AttendanceImportCreateView
from .views.checkins import CheckinUndoView, CheckinView
from .views.registration_writes import (
    RegistrationApproveView,
    RegistrationCancelView,
    RegistrationCreateView,
    RegistrationDeclineView,
)

urlpatterns = [
    path(
        "seminars/<slug:slug>/registrations/",
        RegistrationCreateView.as_view(),
        name="registration_create",
    ),
    path(
        "registrations/<int:pk>/cancel/",
        RegistrationCancelView.as_view(),
        name="registration_cancel",
    ),
    path(
        "registrations/<int:pk>/approve/",
        RegistrationApproveView.as_view(),
        name="registration_approve",
    ),
    path(
        "registrations/<int:pk>/decline/",
        RegistrationDeclineView.as_view(),
        name="registration_decline",
    ),
    path("seminars/<slug:slug>/check-ins/", CheckinView.as_view(), name="checkin_record"),
    path(
        "seminars/<slug:slug>/check-ins/<int:pk>/undo/",
        CheckinUndoView.as_view(),
        name="checkin_undo",
    ),
    path(
        "seminars/<slug:slug>/attendance-imports/",
        AttendanceImportCreateView.as_view(),
        name="attendance_import_create",
    ),
    path(
        "seminars/<slug:slug>/attendance-imports/<int:pk>/apply/",
        AttendanceImportApplyView.as_view(),
        name="attendance_import_apply",
    ),
]
