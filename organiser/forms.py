"""Input checks for organisers' own pages (the admin's model forms live with their admins)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AttendanceImportForm(forms.Form):
    report = forms.FileField(
        label=_("Attendance report (CSV)"),
        help_text=_(
            "The file as Zoom (attendee or participant report) or Microsoft Teams (attendance "
            "list) produced it."
        ),
    )
    mark_absent = forms.BooleanField(
        label=_("Mark confirmed registrants who are not in this report as absent"),
        required=False,
        initial=True,
    )
