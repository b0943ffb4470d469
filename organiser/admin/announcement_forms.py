"""The forms behind the announcements' admin pages. The rules they apply live in
registrations/announcement_audience.py (who), registrations/placeholders.py (what may be typed)
and registrations/announcements.py (when); a refusal is shown next to the field it concerns."""

from collections.abc import Mapping

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.announcement_audience import (
    Attendance,
    Audience,
    audience_parse,
)
from registrations.announcement_texts import announcement_language_gaps, announcement_text_errors
from registrations.announcements import AnnouncementAlreadyQueued
from registrations.errors import RegistrationError
from registrations.models import Announcement, Question, Registration
from registrations.placeholders import announcement_texts, placeholders_help
from seminar.models import AttendanceMode, Seminar

from .question_forms import AnswerGroup, GroupedCheckboxes

# The form's field for each key of the audience data.
AUDIENCE_FIELDS = {
    "statuses": "audience_statuses",
    "attendance": "audience_attendance",
    "participant_types": "audience_participant_types",
    "regions": "audience_regions",
    "attendance_modes": "audience_attendance_modes",
}
ANSWERS_FIELD = "audience_answers"
OPTION_PREFIX = "option:"


def _checkboxes(label, choices, help_text="") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def answer_choices(seminar: Seminar | None) -> list:
    """The seminar's choice questions, each a group of its options to tick."""
    if seminar is None:
        return []
    questions = (
        Question.objects.filter(seminar=seminar, kind__in=Question.CHOICE_KINDS)
        .filter(options__isnull=False)
        .distinct()
        .order_by("order", "pk")
        .prefetch_related("options")
    )
    return [
        (
            AnswerGroup(question.label, f"question:{question.pk}"),
            [(f"{OPTION_PREFIX}{option.pk}", option.label) for option in question.options.all()],
        )
        for question in questions
    ]


def audience_data(
    values: Mapping[str, list[str]], option_questions: Mapping[int, int]
) -> dict[str, object]:
    """The audience data from the form's ticked values (`values` by form field name);
    `option_questions` maps each offered option to its question."""
    data: dict[str, object] = {
        key: list(values.get(name) or []) for key, name in AUDIENCE_FIELDS.items()
    }
    answers: dict[str, list[int]] = {}
    for value in values.get(ANSWERS_FIELD) or []:
        option = int(value.removeprefix(OPTION_PREFIX))
        answers.setdefault(str(option_questions[option]), []).append(option)
    data["answers"] = answers
    return {key: value for key, value in data.items() if value}


class AudienceFields(forms.Form):
    """The audience as checkboxes, for one seminar (its own questions' options only)."""

    audience_statuses = _checkboxes(
        _("Status"),
        Registration.Status.choices,
        _("Tick none for every status, cancelled and declined included."),
    )
    audience_attendance = _checkboxes(_("Attendance"), Attendance.CHOICES)
    audience_participant_types = _checkboxes(
        _("Participant type"), Registration.ParticipantType.choices
    )
    audience_regions = _checkboxes(_("Region"), Registration.Region.choices)
    audience_attendance_modes = _checkboxes(_("How they attend"), AttendanceMode.choices)
    audience_answers = forms.MultipleChoiceField(
        label=_("Answers to the seminar's questions"),
        required=False,
        widget=GroupedCheckboxes,
        help_text=_(
            "Within a question, any answer ticked will do; ticked under several questions, "
            "every question must match."
        ),
    )

    def audience_setup(self, seminar: Seminar | None, audience: dict | None) -> None:
        """Offer what this seminar has, and tick what the saved audience says."""
        self.seminar = seminar
        choices = answer_choices(seminar)
        self.fields[ANSWERS_FIELD].choices = choices
        self.option_questions = {
            int(value.removeprefix(OPTION_PREFIX)): int(group.source.removeprefix("question:"))
            for group, options in choices
            for value, _label in options
        }
        if not choices:
            del self.fields[ANSWERS_FIELD]
        if seminar is None or not seminar.is_hybrid:
            del self.fields["audience_attendance_modes"]
        for key, name in AUDIENCE_FIELDS.items():
            if name in self.fields and audience and audience.get(key):
                self.initial[name] = audience[key]
        if ANSWERS_FIELD in self.fields and audience and audience.get("answers"):
            self.initial[ANSWERS_FIELD] = [
                f"{OPTION_PREFIX}{option}"
                for options in audience["answers"].values()
                for option in options
            ]

    def audience_clean(self, purpose: str) -> Audience | None:
        """The audience ticked, checked by the rule; None (and an error) if refused."""
        if self.seminar is None:
            return None
        data = audience_data(self.cleaned_data, self.option_questions)
        try:
            return audience_parse(seminar=self.seminar, data=data, purpose=purpose)
        except RegistrationError as refusal:
            self.add_error(None, str(refusal.message))
            return None


class AnnouncementAdminForm(AudienceFields, forms.ModelForm):
    # The seminar of the announcements page "Add announcement" was clicked on (set by the admin).
    preset_seminar: Seminar | None = None

    class Meta:
        model = Announcement
        fields = ("seminar", "purpose", "subject", "body")

    @staticmethod
    def offers_answers(seminar: Seminar) -> bool:
        """Whether the form has answers to tick for this seminar."""
        return bool(answer_choices(seminar))

    def __init__(self, *args, seminar: Seminar | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        seminar = seminar or self.preset_seminar
        instance = self.instance
        if instance.pk:
            seminar = instance.seminar
        elif seminar is not None:
            # Written from the seminar's announcements page: for that seminar alone.
            self.fields["seminar"].queryset = Seminar.objects.filter(pk=seminar.pk)
            self.initial["seminar"] = seminar.pk
        self.audience_setup(seminar, instance.audience if instance.pk else None)
        help_text = placeholders_help()
        for name, field in self.fields.items():
            if name.startswith(("subject_", "body_")):
                field.help_text = help_text if name.startswith("body_") else ""
        if seminar is None and ANSWERS_FIELD not in self.fields and "seminar" in self.fields:
            self.fields["seminar"].help_text = _(
                "Save first: then you can choose answers to the seminar's questions."
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            self.instance.pk
            and (
                Announcement.objects.filter(pk=self.instance.pk, state=Announcement.State.QUEUED)
            ).exists()
        ):
            raise forms.ValidationError(str(AnnouncementAlreadyQueued.message))
        if self.seminar is None:
            self.seminar = cleaned.get("seminar")
        audience = self.audience_clean(cleaned.get("purpose", Announcement.Purpose.SEMINAR))
        if audience is None:
            return cleaned
        self.instance.audience = audience.as_data()
        texts = {name: cleaned.get(name) or "" for name in announcement_texts(self.instance)}
        errors = announcement_text_errors(texts=texts, audience=audience)
        errors = announcement_language_gaps(texts=texts) | errors
        for name, message in errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned


class AudienceCountForm(AudienceFields):
    """The audience ticked on the page, posted as it changes, for the count beside it."""

    purpose = forms.ChoiceField(choices=Announcement.Purpose.choices, required=False)


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at (Hong Kong time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("It goes to the audience as it is at that time."),
    )

    def __init__(self, *args, announcement: Announcement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if announcement.send_at:
            self.initial["send_at"] = timezone.localtime(announcement.send_at)
