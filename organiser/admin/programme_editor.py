"""The programme built on the seminar's own page: sessions with their speakers and roles nested
inside them (django-nested-admin), session times typed as times on the seminar's day, and new
speakers and organisations added through the admin's "+" popups. See docs/programme-editor.md."""

from datetime import date, datetime, time, timedelta

import nested_admin
from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationInlineModelAdmin

from registrations.models import EmailText
from seminar.models import Seminar, SeminarPartner, Session, SessionSpeaker
from seminar.templatetags.seminar_tags import day_label, sentence_space

from .clock_time import ClockTimeField
from .outbox import EmailTextInline

SESSION_ENDS_BEFORE_START = _("The session must end after it starts.")
SPEAKER_TWICE = _("%(speaker)s is already in this session. List each speaker once, with one role.")
DAY_NOT_IN_SEMINAR = _("Choose one of the seminar's days.")
DAY_NEEDED = _("The seminar runs over several days: choose this session's day.")
TIME_HELP = _("Hong Kong time, e.g. 09:30 or 2:15 pm, on the seminar's day.")
TIME_HELP_DAYS = _("Hong Kong time, e.g. 09:30 or 2:15 pm, on the day chosen.")
TIME_FIELDS = {"day", "start_time", "end_time"}
# Enough for any real programme; a forged TOTAL_FORMS beyond them is refused before the forms
# are built (each form costs time to build, check and render).
MAX_SESSIONS, MAX_SPEAKERS, MAX_PARTNERS = 100, 30, 50

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
    the same page, so a new seminar and its sessions save in one POST.

    After saving, `kept_typed_time` says the seminar moved with its programme but this session
    keeps the time typed for it; `moved_to_new_day` that the seminar moved without its programme
    and this session kept its clock time on the new day. The admin's message counts them."""

    day = forms.DateField(label=_("Day"), required=False, input_formats=["%Y-%m-%d"])
    start_time = ClockTimeField(label=_("Starts"), help_text=TIME_HELP)
    end_time = ClockTimeField(label=_("Ends"))

    class Meta:
        model = Session
        fields = ()

    def __init__(self, *args, seminar: Seminar | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seminar = seminar
        self.kept_typed_time = self.moved_to_new_day = False
        for name in ("start_time", "end_time"):
            # No inputmode="numeric": a phone's number pad has no ":" (the field reads "0930").
            self.fields[name].widget = forms.TimeInput(
                format="%H:%M", attrs={"size": 8, "placeholder": "HH:MM", "autocomplete": "off"}
            )
        self._day_widget_set(seminar_days(self.seminar))
        # As stored, before clean() reads the typed times into the instance.
        self.stored_times = (self.instance.starts_at, self.instance.ends_at)
        if self.instance.pk:
            starts_at, ends_at = _hkt(self.instance.starts_at), _hkt(self.instance.ends_at)
            self.initial.update(
                day=starts_at.date(),
                start_time=starts_at.time(),
                end_time=ends_at.time(),
            )

    def _day_widget_set(self, days: list[date]) -> None:
        """A choice among the seminar's days when it has several (none chosen for a new
        session: a day is never picked for the organiser); else nothing to choose."""
        if len(days) < 2:
            self.fields["day"].widget = forms.HiddenInput()
            self.fields["start_time"].help_text = TIME_HELP
            return
        choices = [("", "---------")] + [(day.isoformat(), day_label(day)) for day in days]
        self.fields["day"].widget = forms.Select(choices=choices)
        self.fields["start_time"].help_text = TIME_HELP_DAYS

    def clean(self) -> dict:
        cleaned = super().clean()
        # The admin builds this form before it reads the seminar's boxes: only now does
        # `seminar` hold the days as typed (and the choice offered follows them).
        days = seminar_days(self.seminar)
        self._day_widget_set(days)
        day = self._day_clean(cleaned, days)
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if day is None or start is None or end is None:
            return cleaned  # the seminar's, the day's or the box's own message says what is wrong
        if end <= start:
            self.add_error("end_time", SESSION_ENDS_BEFORE_START)
            return cleaned
        starts_at, ends_at = hkt_at(day, start), hkt_at(day, end)
        typed = not self.instance.pk or bool(TIME_FIELDS & set(self.changed_data))
        move = getattr(self.seminar, "programme_move", timedelta(0))
        if move and typed:
            # The seminar moves with its programme, but the organiser typed where this session
            # goes: keep that clock time, on the same day of the seminar. The seminar is held at
            # its old time until seminar_reschedule moves every session by `move` after saving,
            # so this one is stored (and checked against the seminar) that much earlier.
            day_shift = _hkt(self.seminar.starts_at + move).date() - days[0]
            starts_at, ends_at = starts_at + day_shift - move, ends_at + day_shift - move
            self.kept_typed_time = True
        elif (
            not typed
            and self.stored_times[0]
            and starts_at.date() != _hkt(self.stored_times[0]).date()
        ):
            self.moved_to_new_day = True
        self.instance.starts_at, self.instance.ends_at = starts_at, ends_at
        return cleaned

    def _day_clean(self, cleaned: dict, days: list[date]) -> date | None:
        """The session's day: the seminar's at a one-day seminar (whatever an older page sent in
        the hidden box), the one chosen at a seminar of several days."""
        if len(days) < 2:
            return days[0] if days else None
        day = cleaned.get("day")
        if "day" in self.errors:
            return None
        if day is None:
            # Typically a session added on the add page before the seminar's days were typed.
            self.add_error("day", DAY_NEEDED)
            return None
        if day not in days:
            self.add_error("day", DAY_NOT_IN_SEMINAR)
            return None
        return day

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


class LimitedInline:
    """Caps a nested inline at `max_num` rows, forged management forms included, refusing more
    with the inline's own words (`too_many`) rather than Django's "at most N forms"."""

    template = "admin/seminar/seminar/programme_stacked.html"
    extra = 0
    too_many = None

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, absolute_max=self.max_num, **kwargs)
        formset.default_error_messages = {
            **formset.default_error_messages,
            "too_many_forms": self.too_many,
        }
        return formset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            # A red cross that deletes the speaker or organisation everywhere, beside the row's
            # own "remove": too easy to confuse. Both are edited on their own admin pages.
            field.widget.can_delete_related = field.widget.can_change_related = False
        return field


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


class SessionSpeakerInline(LimitedInline, nested_admin.NestedStackedInline):
    # Stacked on one line rather than tabular: each box keeps its own <label> (a tabular row
    # names its columns only in the header, which screen readers do not tie to the boxes).
    model = SessionSpeaker
    formset = SessionSpeakerFormSet
    max_num = MAX_SPEAKERS
    too_many = ngettext_lazy(
        "A session has at most %(num)d speaker.", "A session has at most %(num)d speakers.", "num"
    )
    add_label = _("Add another speaker")
    autocomplete_fields = ("speaker",)
    fields = (("speaker", "role", "order"),)
    verbose_name = _("speaker")
    verbose_name_plural = _("speakers and their roles")


class SessionInline(LimitedInline, TranslationInlineModelAdmin, nested_admin.NestedStackedInline):
    model = Session
    form = SessionInlineForm
    formset = SessionFormSet
    max_num = MAX_SESSIONS
    too_many = ngettext_lazy(
        "A seminar has at most %(num)d session.", "A seminar has at most %(num)d sessions.", "num"
    )
    add_label = _("Add another session")
    fields = (("day", "start_time", "end_time"), ("kind", "order"), "title")
    inlines = (SessionSpeakerInline,)
    show_change_link = True
    classes = ("programme-sessions",)


class SeminarPartnerInline(LimitedInline, nested_admin.NestedStackedInline):
    # Stacked on one line, like the speakers: each box keeps its own <label>.
    model = SeminarPartner
    max_num = MAX_PARTNERS
    too_many = ngettext_lazy(
        "A seminar has at most %(num)d organising or supporting body.",
        "A seminar has at most %(num)d organising or supporting bodies.",
        "num",
    )
    add_label = _("Add another organising or supporting body")
    autocomplete_fields = ("organisation",)
    fields = (("organisation", "role", "order", "on_certificate"),)


class SeminarEmailTextInline(EmailTextInline, nested_admin.NestedStackedInline):
    """The outbox's inline, nested-admin flavoured: every inline of a nested admin must be."""

    model = EmailText
    template = LimitedInline.template  # translated "Remove" and "Add another"


def programme_move_report(*, formsets, moved: int, move_programme: bool) -> str:
    """What saving a seminar at a new time did to its sessions, in the organiser's words:
    `moved` is how many seminar_reschedule moved (those typed on the page included)."""
    forms = [
        form
        for formset in formsets
        if isinstance(formset, SessionFormSet)
        for form in formset.forms
        if form.instance.pk and form not in formset.deleted_forms
    ]
    if not forms:
        return ""
    kept = sum(form.kept_typed_time for form in forms)
    if move_programme:
        parts = [
            ngettext(
                "The programme moved with the seminar: %(count)d session moved by as much as "
                "the start.",
                "The programme moved with the seminar: %(count)d sessions moved by as much as "
                "the start.",
                moved - kept,
            )
            % {"count": moved - kept}
        ]
        if kept:
            parts.append(
                ngettext(
                    "%(count)d session whose times you changed kept the times you typed.",
                    "%(count)d sessions whose times you changed kept the times you typed.",
                    kept,
                )
                % {"count": kept}
            )
        return sentence_space().join(parts)
    if new_day := sum(form.moved_to_new_day for form in forms):
        return ngettext(
            "The programme did not move with the seminar: %(count)d session kept its clock "
            "time on the seminar's new day.",
            "The programme did not move with the seminar: %(count)d sessions kept their clock "
            "times on the seminar's new day.",
            new_day,
        ) % {"count": new_day}
    return gettext("The programme did not move with the seminar: the sessions kept their times.")
