"""Organisers ask each seminar's own questions here: one page per question, with its options and
its conditions, in three languages; the list filtered by seminar is the seminar's questions page
(linked from the seminar as "Questions (n)"), where the questions of another seminar can be
copied in one go.

Answers are never lost through this page: a question or option someone answered is retired, not
deleted, and a kind that would make answers unreadable is refused (registrations/question_rules.py).
"""

from urllib.parse import parse_qsl

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from registrations.errors import RegistrationError
from registrations.models import Question, QuestionCondition, QuestionOption
from registrations.question_copy import questions_copy
from registrations.question_rules import question_delete, question_delete_check
from seminar.models import Seminar

from ..summary import text_list
from .columns import seminar_short
from .question_forms import (
    ConditionSources,
    QuestionAdminForm,
    QuestionConditionForm,
    QuestionConditionFormSet,
    QuestionOptionFormSet,
    QuestionsCopyForm,
)

SEMINAR_FILTER = "seminar__id__exact"


def questions_url(seminar_id: int) -> str:
    """The seminar's questions page: the question list filtered to it."""
    return f"{reverse('admin:registrations_question_changelist')}?{SEMINAR_FILTER}={seminar_id}"


class QuestionOptionInline(TranslationTabularInline):
    model = QuestionOption
    formset = QuestionOptionFormSet
    fields = ("label", "order", "retired")
    extra = 0
    verbose_name_plural = gettext_lazy("options (for choice questions)")


class QuestionConditionInline(admin.StackedInline):
    model = QuestionCondition
    form = QuestionConditionForm
    formset = QuestionConditionFormSet
    fk_name = "question"
    fields = ("source", "answers")
    extra = 0
    verbose_name_plural = gettext_lazy(
        "conditions: show this question only if all of these hold (none: always shown)"
    )

    class Media:
        js = ("js/question_conditions.js",)

    def get_formset(self, request: HttpRequest, obj: Question | None = None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Loaded once for every condition row and the empty row "Add another" copies.
        sources = ConditionSources.load(obj)
        return type(formset.__name__, (formset,), {"sources": sources})


@admin.register(Question)
class QuestionAdmin(TabbedTranslationAdmin):
    form = QuestionAdminForm
    list_display = (
        "label_short",
        "seminar_column",
        "kind",
        "required",
        "order",
        "personal_data",
        "retired",
        "answered",
    )
    list_display_links = ("label_short",)
    list_filter = ("seminar", "kind", "retired")
    list_select_related = ("seminar",)
    search_fields = ("label_en", "label_zh_hant", "label_zh_hans")
    ordering = ("seminar", "order", "pk")
    fieldsets = (
        (None, {"fields": ("seminar", "kind", "label", "help_text", "required", "order")}),
        (
            gettext_lazy("Privacy and retiring"),
            {"fields": ("personal_data", "retired")},
        ),
    )
    inlines = (QuestionOptionInline, QuestionConditionInline)
    # No bulk delete: questions are deleted one at a time, so one that has answers is refused
    # with its reason (delete_view) rather than listed among "protected objects".
    actions = None
    change_list_template = "admin/registrations/question/change_list.html"

    class Media:
        css = {"all": ("css/organiser.css",)}

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(answer_count=Count("answers"))

    @admin.display(description=gettext_lazy("question"), ordering="label")
    def label_short(self, question: Question) -> str:
        # A declaration's label is its whole text: the start of it, all of it on hover.
        label = question.label
        return format_html('<span title="{}">{}</span>', label, Truncator(label).chars(80))

    @admin.display(description=gettext_lazy("seminar"), ordering="seminar__starts_at")
    def seminar_column(self, question: Question) -> str:
        return seminar_short(question.seminar)

    @admin.display(description=gettext_lazy("answers"), ordering="answer_count")
    def answered(self, question: Question) -> int:
        return question.answer_count

    def get_readonly_fields(self, request: HttpRequest, obj: Question | None = None):
        # A question belongs to its seminar for good: its answers and conditions are there.
        return ("seminar",) if obj else ()

    def get_inline_instances(self, request: HttpRequest, obj: Question | None = None):
        instances = super().get_inline_instances(request, obj)
        if obj is None:
            # Conditions point at the seminar's other questions, known once this one is saved.
            return [i for i in instances if not isinstance(i, QuestionConditionInline)]
        return instances

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "label":
            # A declaration's label is its whole text.
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """ "Add question" on a seminar's questions page starts with that seminar chosen and the
        new question after its others."""
        initial = super().get_changeform_initial_data(request)
        filters = dict(parse_qsl(request.GET.get("_changelist_filters", "")))
        seminar_id = filters.get(SEMINAR_FILTER, "")
        if seminar_id.isdigit():
            initial.setdefault("seminar", seminar_id)
            last = Question.objects.filter(seminar_id=seminar_id).aggregate(last=Max("order"))
            initial.setdefault("order", 0 if last["last"] is None else last["last"] + 1)
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RegistrationError as refusal:
            # Answered between the check and the save (the form's checks catch the rest): the
            # admin's transaction has rolled back, so nothing changed.
            messages.error(request, refusal.message)
            return redirect(request.get_full_path())

    def get_fieldsets(self, request: HttpRequest, obj: Question | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        refusal = self._delete_refusal(obj) if obj is not None else None
        if refusal is None or not super().has_delete_permission(request, obj):
            return fieldsets
        # In place of the Delete button the page leaves out: why, and the way out.
        name, options = fieldsets[-1]
        return [*fieldsets[:-1], (name, {**options, "description": conditional_escape(refusal)})]

    def _delete_refusal(self, question: Question) -> str | None:
        """Why the rules refuse to delete this question (answered, or deciding when another is
        shown), or None; asked once per page."""
        if not hasattr(question, "_delete_refusal"):
            try:
                question_delete_check(question=question)
            except RegistrationError as refusal:
                question._delete_refusal = str(refusal.message)
            else:
                question._delete_refusal = None
        return question._delete_refusal

    def has_delete_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        # No Delete button on a question that cannot be deleted; its page says why instead.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._delete_refusal(obj) is None)

    def delete_view(self, request, object_id, extra_context=None):
        """Refused with the reason, on the question's page, before the admin would list its
        answers as "protected objects" (and also if one arrives before the delete runs). The
        page offers no Delete button then, but a link kept from before can still lead here."""
        question = self.get_object(request, object_id)
        if question is not None and super().has_delete_permission(request, question):
            try:
                question_delete_check(question=question)
            except RegistrationError as refusal:
                messages.error(request, refusal.message)
                return redirect("admin:registrations_question_change", question.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request: HttpRequest, obj: Question) -> None:
        question_delete(question=obj)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        seminar_id = request.GET.get(SEMINAR_FILTER, "")
        seminar = Seminar.objects.filter(pk=seminar_id).first() if seminar_id.isdigit() else None
        extra_context = {
            **(extra_context or {}),
            "seminar": seminar,
            "can_copy": seminar is not None and self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        urls = [
            path(
                "copy/<int:seminar_id>/",
                self.admin_site.admin_view(self.copy_view),
                name="registrations_question_copy",
            ),
        ]
        return urls + super().get_urls()

    def copy_view(self, request: HttpRequest, seminar_id: int) -> HttpResponse:
        """Copy another seminar's questions to this one, after its own."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        target = get_object_or_404(Seminar, pk=seminar_id)
        form = QuestionsCopyForm(request.POST if request.method == "POST" else None, target=target)
        if request.method == "POST" and form.is_valid():
            source = form.cleaned_data["source"]
            try:
                copied = questions_copy(source=source, target=target, actor=request.user)
            except RegistrationError as refusal:
                form.add_error(refusal.field, str(refusal.message))
            else:
                self._copied_report(request, source, copied)
                return redirect(questions_url(target.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy questions from another seminar"),
            "opts": self.opts,
            "seminar": target,
            "form": form,
            "nothing_to_copy": not form.is_bound and not form.fields["source"].queryset.exists(),
            "asked": target.questions.filter(retired=False).count(),
            "questions_url": questions_url(target.pk),
        }
        return TemplateResponse(request, "admin/registrations/question/copy.html", context)

    def _copied_report(self, request: HttpRequest, source: Seminar, copied) -> None:
        count = len(copied.questions)
        self.message_user(
            request,
            ngettext(
                "%(count)d question copied from “%(title)s”.",
                "%(count)d questions copied from “%(title)s”.",
                count,
            )
            % {"count": count, "title": source.title},
            messages.SUCCESS,
        )
        if copied.already_asked:
            labels = [
                pgettext("a question's label, quoted in a sentence", "“%(label)s”")
                % {"label": question.label}
                for question in copied.already_asked
            ]
            self.message_user(
                request,
                ngettext(
                    "%(count)d question was not copied, as this seminar already asks it (the "
                    "same English label): %(labels)s.",
                    "%(count)d questions were not copied, as this seminar already asks them (the "
                    "same English labels): %(labels)s.",
                    len(labels),
                )
                % {"count": len(labels), "labels": text_list(labels)},
                messages.WARNING,
            )
        if copied.conditions_left_out:
            self.message_user(
                request,
                ngettext(
                    "%(count)d condition was left out: it depends on a question or options no "
                    "longer asked. Check the copied questions' conditions.",
                    "%(count)d conditions were left out: they depend on questions or options no "
                    "longer asked. Check the copied questions' conditions.",
                    copied.conditions_left_out,
                )
                % {"count": copied.conditions_left_out},
                messages.WARNING,
            )


def questions_link(seminar: Seminar, count: int) -> str:
    """ "Questions (4)", linking to the seminar's questions page."""
    return format_html(
        '<a href="{}">{}</a>',
        questions_url(seminar.pk),
        _("Questions (%(count)d)") % {"count": count},
    )
