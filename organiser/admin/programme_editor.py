"""The programme built on the seminar's own page: sessions with their speakers and roles nested
inside them (django-nested-admin), session times typed as times on the seminar's day, and new
speakers and organisations added through the admin's "+" popups. See docs/programme-editor.md."""

from datetime import date, datetime, time, timedelta

import nested_admin
from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationInlineModelAdmin

from registrations.models import EmailText
from seminar.models import Seminar, SeminarPartner, Session, SessionSpeaker

from .outbox import EmailTextInline

SESSION_ENDS_BEFORE_START = _("The session must end after it starts.")
SPEAKER_TWICE = _("%(speaker)s is already in this session. List each speaker once, with one role.")
DAY_NOT_IN_SEMINAR = _("Choose one of the seminar's days.")
TIME_HELP = _("HH:MM, Hong Kong time, on the seminar's day.")

# The model's datetimes and the form's boxes: an error the model raises on one is shown beside
# the other, so the organiser sees it where they typed.
MODEL_TO_FORM = {"starts_at": "start_time", "ends_at": "end_time"}


def _hkt(value: datetime) -> datetime:
    return timezone.localtime(value, timezone.get_default_timezone())


def seminar_days(seminar: Seminar | None) -> list[date]:
    """The seminar's days in Hong Kong, first to last; none while its times are not set."""
    if seminar is None or not seminar.starts_at or not seminar.ends_at:
        return []
    first, last = _hkt(seminar.starts_at).date(), _hkt(seminar.ends_at).date()
    return [first + timedelta(days=n) for n in range(max((last - first).days, 0) + 1)]


def hkt_at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock), timezone.get_default_timezone())


class SessionInlineForm(forms.ModelForm):
    """A session's start and end as clock times; its date is the seminar's (or, at a seminar of
    several days, the day chosen). `seminar` comes from SessionFormSet: the seminar as typed on
    the same page, so a new seminar and its sessions save in one POST."""

    day = forms.DateField(label=_("day"), required=False, input_formats=["%Y-%m-%d"])
    start_time = forms.TimeField(label=_("starts"), help_text=TIME_HELP)
    end_time = forms.TimeField(label=_("ends"))

    class Meta:
        model = Session
        fields = ()

    def __init__(self, *args, seminar: Seminar | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seminar = seminar
        for name in ("start_time", "end_time"):
            self.fields[name].widget = forms.TimeInput(
                format="%H:%M", attrs={"size": 6, "placeholder": "HH:MM", "inputmode": "numeric"}
            )
        self._day_widget_set(seminar_days(self.seminar))
        # As stored, before clean() reads the typed times into the instance.
        self.stored_times = (self.instance.starts_at, self.instance.ends_at)
        if self.instance.pk:
            starts_at, ends_at = _hkt(self.instance.starts_at), _hkt(self.instance.ends_at)
            self.initial.update(
                day=starts_at.date().isoformat(),
                start_time=starts_at.time(),
                end_time=ends_at.time(),
            )

    def _day_widget_set(self, days: list[date]) -> None:
        """A choice among the seminar's days when it has several; else nothing to choose."""
        if len(days) < 2:
            self.fields["day"].widget = forms.HiddenInput()
            return
        choices = [(day.isoformat(), formats.date_format(day, "D j M Y")) for day in days]
        self.fields["day"].widget = forms.Select(choices=choices)

    def clean(self) -> dict:
        cleaned = super().clean()
        # The admin builds this form before it reads the seminar's boxes: only now does
        # `seminar` hold the days as typed (and the choice offered follows them).
        days = seminar_days(self.seminar)
        self._day_widget_set(days)
        # At a one-day seminar the (hidden) day is the seminar's, whatever an older page sent.
        day = (cleaned.get("day") if len(days) > 1 else None) or (days[0] if days else None)
        if day is not None and days and day not in days:
            self.add_error("day", DAY_NOT_IN_SEMINAR)
            return cleaned
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if day is None or start is None or end is None:
            return cleaned  # the seminar's or the box's own message says what is missing
        if end <= start:
            self.add_error("end_time", SESSION_ENDS_BEFORE_START)
            return cleaned
        self.instance.starts_at, self.instance.ends_at = hkt_at(day, start), hkt_at(day, end)
        return cleaned

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {MODEL_TO_FORM.get(name, name): value for name, value in errors.error_dict.items()}
            )
        super()._update_errors(errors)

    def has_changed(self) -> bool:
        # The same clock times on a seminar that moved to another day put the session on the new
        # day: that is a change to save, though no box was edited.
        if super().has_changed() or not self.instance.pk or not hasattr(self, "cleaned_data"):
            return super().has_changed()
        return self.stored_times != (self.instance.starts_at, self.instance.ends_at)


class SessionFormSet(nested_admin.formsets.NestedInlineFormSet):
    def get_form_kwargs(self, index):
        # The unsaved seminar the admin validates on the same POST, not a copy from the database.
        return {**super().get_form_kwargs(index), "seminar": self.instance}


class SessionSpeakerFormSet(nested_admin.formsets.NestedInlineFormSet):
    def validate_unique(self) -> None:
        """One row per speaker in a session (constraint session_speaker_once), said beside the
        repeated speaker rather than as Django's generic "duplicate data" line."""
        seen = set()
        for form in self.forms:
            speaker = getattr(form, "cleaned_data", {}).get("speaker")
            if not speaker or form.cleaned_data.get("DELETE"):
                continue
            if speaker.pk in seen:
                form.add_error("speaker", SPEAKER_TWICE % {"speaker": speaker})
            seen.add(speaker.pk)


class SessionSpeakerInline(nested_admin.NestedStackedInline):
    # Stacked on one line rather than tabular: each box keeps its own <label> (a tabular row
    # names its columns only in the header, which screen readers do not tie to the boxes).
    model = SessionSpeaker
    formset = SessionSpeakerFormSet
    extra = 0
    autocomplete_fields = ("speaker",)
    fields = (("speaker", "role", "order"),)
    verbose_name = _("speaker")
    verbose_name_plural = _("speakers and their roles")


class SessionInline(TranslationInlineModelAdmin, nested_admin.NestedStackedInline):
    model = Session
    form = SessionInlineForm
    formset = SessionFormSet
    extra = 0
    fields = (("day", "start_time", "end_time"), ("kind", "order"), "title")
    inlines = (SessionSpeakerInline,)
    show_change_link = True
    classes = ("programme-sessions",)


class SeminarPartnerInline(nested_admin.NestedTabularInline):
    model = SeminarPartner
    extra = 0
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "role", "order", "on_certificate")


class SeminarEmailTextInline(EmailTextInline, nested_admin.NestedStackedInline):
    """The outbox's inline, nested-admin flavoured: every inline of a nested admin must be."""

    model = EmailText
