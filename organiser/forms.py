"""Input checks for organisers' own pages (the admin's model forms live with their admins)."""

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from registrations.attendance import MAX_REPORT_BYTES
from registrations.models import Registration


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


class SurveyResultsFilterForm(forms.Form):
    """The results page's filters (GET): a value it does not know is said and left out."""

    participant_type = forms.ChoiceField(
        label=_("Participant type"),
        required=False,
        choices=[("", _("All")), *list(Registration.ParticipantType.choices)],
    )
    region = forms.ChoiceField(
        label=_("Based in"),
        required=False,
        choices=[("", _("All")), *list(Registration.Region.choices)],
    )

    def filters(self) -> dict[str, str]:
        """The valid filters chosen, as survey_results takes them; none when the form is bad."""
        if not self.is_bound or not self.is_valid():
            return {"participant_type": "", "region": ""}
        return {name: self.cleaned_data[name] for name in ("participant_type", "region")}

    def query(self) -> str:
        """The filters as a query string, for the export and summary links."""
        return urlencode({name: value for name, value in self.filters().items() if value})


class SurveyStartForm(forms.Form):
    """ "Create a survey": empty, or with the usual evaluation questions to edit."""

    USUAL, EMPTY = "usual", "empty"
    start = forms.ChoiceField(
        label=_("Start with"),
        choices=[
            (
                USUAL,
                _(
                    "The usual evaluation questions (how useful, most interesting topic, topics "
                    "for next year, would recommend, comments), in the three languages"
                ),
            ),
            (EMPTY, _("No questions: I will add my own")),
        ],
        initial=USUAL,
        widget=forms.RadioSelect,
    )

    @property
    def usual_questions(self) -> bool:
        return self.cleaned_data["start"] == self.USUAL
