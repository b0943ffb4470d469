"""Organisers build each seminar's feedback survey here, the way they edit its registration
questions: the survey's settings with its questions inline (a tab per language), and a page per
question for a choice question's options. The seminar's page links to it as "Feedback survey";
"Create a survey" there can start from the usual evaluation questions (organiser/survey_views.py).

Answers are never lost through these pages: a question or option someone answered is not
deleted (an option is retired instead), and a kind its answers could not be read as is refused
(registrations/survey_rules.py). Viewers read the results (the dashboard permission), not these
pages; check-in staff see neither.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from registrations.errors import RegistrationError
from registrations.models import Survey, SurveyOption, SurveyQuestion
from registrations.survey_rules import (
    survey_delete_check,
    survey_question_delete,
    survey_question_delete_check,
    survey_questions_without_options,
)
from seminar.models import Seminar
from seminar.templatetags.seminar_tags import hkt_datetime

from .columns import seminar_short
from .survey_forms import (
    SurveyAdminForm,
    SurveyOptionFormSet,
    SurveyQuestionAdminForm,
    SurveyQuestionFormSet,
)


def survey_link(seminar: Seminar) -> str:
    """ "Feedback survey", to the survey's page, or to "Create a survey" when there is none."""
    url = reverse("admin:seminar_seminar_survey", kwargs={"seminar_id": seminar.pk})
    return format_html('<a href="{}">{}</a>', url, _("Feedback survey"))


class SurveyQuestionInline(TranslationStackedInline):
    model = SurveyQuestion
    form = SurveyQuestionAdminForm
    formset = SurveyQuestionFormSet
    fields = ("kind", "label", "help_text", "headline", "required", "order", "options_link")
    readonly_fields = ("options_link",)
    extra = 0
    show_change_link = True
    verbose_name_plural = gettext_lazy("questions, in this order")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "label":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 80})
        if db_field.name == "help_text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("options"))
    def options_link(self, question: SurveyQuestion) -> str:
        if not question.pk or not question.has_options:
            return _("Only choice questions have options; save a choice question, then add them.")
        url = reverse("admin:registrations_surveyquestion_change", args=[question.pk])
        labels = ", ".join(option.label for option in question.options.all() if not option.retired)
        return format_html('{} <a href="{}">{}</a>', labels or "—", url, _("Edit the options"))

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("options")


@admin.register(Survey)
class SurveyAdmin(TabbedTranslationAdmin):
    form = SurveyAdminForm
    list_display = ("seminar_column", "ready", "opens", "closes", "anonymous", "responses")
    list_select_related = ("seminar",)
    search_fields = ("seminar__title_en", "seminar__title_zh_hant", "seminar__title_zh_hans")
    fieldsets = (
        (None, {"fields": ("seminar", "intro")}),
        (
            gettext_lazy("When and whom"),
            {
                "fields": (
                    "ready",
                    "opens_at",
                    "closes_at",
                    "audience",
                    "invitations_enabled",
                    "anonymous",
                )
            },
        ),
    )
    inlines = (SurveyQuestionInline,)
    actions = None  # deleted one at a time, so a survey with responses is refused with its reason
    change_form_template = "admin/registrations/survey/change_form.html"

    class Media:
        css = {"all": ("css/organiser.css",)}

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(response_count=Count("responses"))

    @admin.display(description=gettext_lazy("seminar"), ordering="seminar__starts_at")
    def seminar_column(self, survey: Survey) -> str:
        return seminar_short(survey.seminar)

    # The times the survey really keeps: a blank opening or close shows what it stands for.
    @admin.display(description=gettext_lazy("opens"), ordering="opens_at")
    def opens(self, survey: Survey) -> str:
        return hkt_datetime(survey.effective_opens_at)

    @admin.display(description=gettext_lazy("closes"), ordering="closes_at")
    def closes(self, survey: Survey) -> str:
        return hkt_datetime(survey.effective_closes_at)

    @admin.display(description=gettext_lazy("responses"), ordering="response_count")
    def responses(self, survey: Survey) -> int:
        return survey.response_count

    def get_readonly_fields(self, request: HttpRequest, obj: Survey | None = None):
        # A survey belongs to its seminar for good: its responses are that seminar's.
        return ("seminar",) if obj else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "seminar":
            kwargs["queryset"] = Seminar.objects.filter(survey__isnull=True).order_by("-starts_at")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["results_url"] = reverse(
                "admin:seminar_seminar_survey_results", kwargs={"seminar_id": obj.seminar_id}
            )
            context["seminar"] = obj.seminar
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        survey_saved_notices(request, form.instance)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RegistrationError as refusal:
            # Answered between the form's checks and the save: the transaction rolled back.
            messages.error(request, refusal.message)
            return redirect(request.get_full_path())

    def _delete_refusal(self, survey: Survey) -> str | None:
        if not hasattr(survey, "_delete_refusal"):
            try:
                survey_delete_check(survey=survey)
            except RegistrationError as refusal:
                survey._delete_refusal = str(refusal.message)
            else:
                survey._delete_refusal = None
        return survey._delete_refusal

    def has_delete_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._delete_refusal(obj) is None)

    def delete_view(self, request, object_id, extra_context=None):
        survey = self.get_object(request, object_id)
        if survey is not None and super().has_delete_permission(request, survey):
            refusal = self._delete_refusal(survey)
            if refusal:
                messages.error(request, refusal)
                return redirect("admin:registrations_survey_change", survey.pk)
        return super().delete_view(request, object_id, extra_context)


def survey_saved_notices(request: HttpRequest, survey: Survey) -> None:
    """What the organiser should know once the survey is saved, though nothing was refused."""
    for question in survey_questions_without_options(survey=survey):
        url = reverse("admin:registrations_surveyquestion_change", args=[question.pk])
        messages.warning(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("“%(label)s” has no options yet: it is not asked until it has one.")
                % {"label": Truncator(question.label).chars(80)},
                url,
                _("Add them on its page."),
            ),
        )
    if survey.invitations_enabled and survey.effective_opens_at < survey.seminar.ends_at:
        messages.info(
            request,
            _(
                "The survey opens before the seminar ends; the invitations are emailed only "
                "once it has ended (%(ends)s)."
            )
            % {"ends": hkt_datetime(survey.seminar.ends_at)},
        )
    if not survey.ready:
        messages.info(
            request,
            _(
                "The survey is not ready: nobody can answer it and no invitation is sent until "
                "you tick “Ready”."
            ),
        )


class SurveyOptionInline(TranslationTabularInline):
    model = SurveyOption
    formset = SurveyOptionFormSet
    fields = ("label", "order", "retired")
    extra = 0
    verbose_name_plural = gettext_lazy("options (for choice questions)")


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(TabbedTranslationAdmin):
    """A question's own page, for its options; reached from its survey, not from the index."""

    form = SurveyQuestionAdminForm
    list_display = ("label_short", "survey", "kind", "order")
    list_select_related = ("survey__seminar",)
    fields = ("survey", "kind", "label", "help_text", "headline", "required", "order")
    inlines = (SurveyOptionInline,)
    actions = None

    class Media:
        css = {"all": ("css/organiser.css",)}

    def get_model_perms(self, request: HttpRequest) -> dict:
        return {}  # not listed on the admin index: questions are edited from their survey

    @admin.display(description=gettext_lazy("question"), ordering="label")
    def label_short(self, question: SurveyQuestion) -> str:
        return Truncator(question.label).chars(80)

    def get_readonly_fields(self, request: HttpRequest, obj: SurveyQuestion | None = None):
        return ("survey",) if obj else ()

    def response_post_save_change(self, request, obj: SurveyQuestion):
        return redirect("admin:registrations_survey_change", obj.survey_id)

    def response_post_save_add(self, request, obj: SurveyQuestion):
        return redirect("admin:registrations_survey_change", obj.survey_id)

    def get_fieldsets(self, request: HttpRequest, obj: SurveyQuestion | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        refusal = self._delete_refusal(obj) if obj is not None else None
        if refusal is None:
            return fieldsets
        name, options = fieldsets[-1]
        return [*fieldsets[:-1], (name, {**options, "description": conditional_escape(refusal)})]

    def _delete_refusal(self, question: SurveyQuestion) -> str | None:
        try:
            survey_question_delete_check(question=question)
        except RegistrationError as refusal:
            return str(refusal.message)
        return None

    def has_delete_permission(self, request: HttpRequest, obj: SurveyQuestion | None = None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._delete_refusal(obj) is None)

    def delete_model(self, request: HttpRequest, obj: SurveyQuestion) -> None:
        survey_question_delete(question=obj)
