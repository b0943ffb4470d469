"""Input checks for organisers' own pages (the admin's model forms live with their admins)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.attendance import MAX_REPORT_BYTES


class AttendanceImportForm(forms.Form):
    report = forms.FileField(
        label=_("Attendance report (CSV)"),
        help_text=_(
            "The file as Zoom (attendee or participant report) or Microsoft Teams (attendance "
            "list) produced it."
        ),
    )
    mark_absent = forms.BooleanField(
        label=_(
            "Also mark as absent every confirmed registrant this report does not show as present"
        ),
        help_text=_(
            "Off unless you tick it. The preview lists everyone who would be marked absent."
        ),
        required=False,
        initial=False,
    )

    def clean_report(self):
        report = self.cleaned_data["report"]
        # Refused before reading it into memory; the parser refuses the same size again.
        if report.size > MAX_REPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB; is it the right report?"))
        return report
