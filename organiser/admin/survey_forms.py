"""The forms behind the feedback survey's admin pages. Every rule they apply is in
registrations/survey_rules.py; a refusal is shown next to the field it concerns."""

from django import forms
from django.forms.models import BaseInlineFormSet

from registrations.errors import RegistrationError
from registrations.models import SurveyOption, SurveyQuestion
from registrations.survey_rules import (
    survey_anonymity_change_check,
    survey_option_delete,
    survey_option_delete_check,
    survey_question_delete,
    survey_question_delete_check,
    survey_question_headline_check,
    survey_question_kind_change_check,
    survey_question_kind_options_check,
    survey_question_options_check,
    survey_times_check,
)


def _checks_run(form: forms.BaseForm, checks) -> None:
    """Run each (field, check) whose field is valid so far; a refusal goes next to its field."""
    for name, check in checks:
        if name not in form.cleaned_data:
            continue  # already refused by the field itself
        try:
            check()
        except RegistrationError as refusal:
            # A translated field shows as one per language: the English one carries the message.
            shown = [f for f in (refusal.field, f"{refusal.field}_en") if f in form.fields]
            form.add_error(shown[0] if shown else None, str(refusal.message))


class SurveyAdminForm(forms.ModelForm):
    def clean(self) -> dict:
        cleaned = super().clean()
        survey = self.instance
        seminar = cleaned.get("seminar") or (survey.seminar if survey.seminar_id else None)
        checks = [
            (
                "anonymous",
                lambda: survey_anonymity_change_check(
                    survey=survey, anonymous=cleaned["anonymous"]
                ),
            ),
        ]
        if seminar is not None and "opens_at" in cleaned and "closes_at" in cleaned:
            checks.append(
                (
                    "opens_at",
                    lambda: survey_times_check(
                        seminar=seminar,
                        opens_at=cleaned["opens_at"],
                        closes_at=cleaned["closes_at"],
                    ),
                )
            )
        _checks_run(self, checks)
        return cleaned


class SurveyQuestionAdminForm(forms.ModelForm):
    """A question, on its own page or as a row of the survey's page."""

    def clean(self) -> dict:
        cleaned = super().clean()
        question = self.instance
        headline = " ".join(
            cleaned.get(name) or "" for name in self.fields if name.startswith("headline")
        )
        checks = [
            (
                "kind",
                lambda: survey_question_kind_change_check(question=question, kind=cleaned["kind"]),
            ),
            (
                "kind",
                lambda: survey_question_headline_check(kind=cleaned["kind"], headline=headline),
            ),
        ]
        _checks_run(self, checks)
        return cleaned


class SurveyQuestionFormSet(BaseInlineFormSet):
    """The survey's questions: one that anyone answered is never deleted, and one with options
    keeps a choice kind (its options are on its own page, out of sight here)."""

    def clean(self) -> None:
        for form in self.forms:
            kind = getattr(form, "cleaned_data", {}).get("kind")
            if kind and "kind" in form.changed_data and not self._should_delete_form(form):
                try:
                    survey_question_kind_options_check(question=form.instance, kind=kind)
                except RegistrationError as refusal:
                    form.add_error("kind", str(refusal.message))
        # Before the admin's own check, which would list the answers as "protected objects".
        for form in self.deleted_forms:
            if form.instance.pk:
                try:
                    survey_question_delete_check(question=form.instance)
                except RegistrationError as refusal:
                    raise forms.ValidationError(str(refusal.message)) from refusal
        super().clean()

    def delete_existing(self, obj: SurveyQuestion, commit: bool = True) -> None:
        if commit:
            survey_question_delete(question=obj)


class SurveyOptionFormSet(BaseInlineFormSet):
    """A choice question keeps an option on offer, other kinds have none; an option anyone
    chose is never deleted (it is retired instead)."""

    def clean(self) -> None:
        for form in self.deleted_forms:
            if form.instance.pk:
                try:
                    survey_option_delete_check(option=form.instance)
                except RegistrationError as refusal:
                    raise forms.ValidationError(str(refusal.message)) from refusal
        super().clean()
        offered = kept = 0
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue  # an empty row the organiser left alone
            if self._should_delete_form(form):
                continue
            kept += 1
            if form.cleaned_data and not form.cleaned_data.get("retired"):
                offered += 1
        try:
            survey_question_options_check(kind=self.instance.kind, offered=offered, kept=kept)
        except RegistrationError as refusal:
            raise forms.ValidationError(str(refusal.message)) from refusal

    def delete_existing(self, obj: SurveyOption, commit: bool = True) -> None:
        if commit:
            survey_option_delete(option=obj)
