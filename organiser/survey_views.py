"""A seminar's feedback survey in the admin: "Feedback survey" (to the survey, or to create one),
the results page, the raw responses' download and the printable one-page summary.

Each view is wrapped by the admin site (staff login) through `survey_urls`, which the seminar's
admin adds to its URLs, and checks its own permission: organisers build the survey; whoever
sees the dashboard (viewers too) reads the results; only those who may export attendee lists
download the responses, which can name people.
"""

from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from registrations.errors import RegistrationError
from registrations.models import Survey
from registrations.survey_builder import survey_create, survey_export_record
from registrations.survey_results import (
    SURVEY_SMALL_GROUP,
    SURVEY_SMALL_GROUP_WITHHELD,
    QuestionResult,
    survey_export_responses,
    survey_headlines,
    survey_results,
    survey_withheld,
)
from seminar.models import Seminar

from .charts import share_chart
from .exporters import EXPORT_FORMATS, attendees_csv_stream
from .forms import SurveyResultsFilterForm, SurveyStartForm
from .survey_exporters import (
    survey_export_file_name,
    survey_response_rows,
    survey_responses_xlsx_write,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A typed answer longer than this is cut on the results page, the whole behind "Show all".
LONG_COMMENT_SHOWN = 600


def _context(request: HttpRequest, seminar: Seminar, title: str) -> dict:
    return {
        **admin.site.each_context(request),
        "seminar": seminar,
        "title": title,
        "opts": Seminar._meta,
        "can_export": request.user.has_perm("registrations.export_registration"),
        "can_import": request.user.has_perm("registrations.import_attendance"),
    }


def seminar_survey(request: HttpRequest, seminar_id: int) -> HttpResponse:
    """The seminar's survey page, or the page that creates it (POST creates)."""
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    survey = Survey.objects.filter(seminar=seminar).first()
    if survey is not None:
        if not request.user.has_perm("registrations.view_survey"):
            raise PermissionDenied
        return redirect("admin:registrations_survey_change", survey.pk)
    if not request.user.has_perm("registrations.add_survey"):
        raise PermissionDenied
    form = SurveyStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = survey_create(seminar=seminar, usual_questions=form.usual_questions)
        except RegistrationError as refusal:  # created meanwhile, in another tab
            messages.error(request, refusal.message)
            return redirect("admin:seminar_seminar_survey", seminar_id=seminar.pk)
        messages.success(
            request,
            _(
                "Survey created, not yet ready: nobody is asked. Check the questions and their "
                "translations, then tick “Ready” and save."
            ),
        )
        return redirect("admin:registrations_survey_change", survey.pk)
    context = {
        **_context(
            request, seminar, _("Create a feedback survey: %(title)s") % {"title": seminar.title}
        ),
        "form": form,
    }
    return render(request, "admin/registrations/survey/start.html", context)


def _filtered(request: HttpRequest, seminar_id: int):
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    survey = Survey.objects.filter(seminar=seminar).first()
    form = SurveyResultsFilterForm(request.GET or None)
    return seminar, survey, form


@permission_required("registrations.view_dashboard", raise_exception=True)
def survey_results_page(request: HttpRequest, seminar_id: int) -> HttpResponse:
    seminar, survey, form = _filtered(request, seminar_id)
    context = {
        **_context(request, seminar, _("Survey results: %(title)s") % {"title": seminar.title}),
        "survey": survey,
        "form": form,
        "query": form.query(),
        "can_build": request.user.has_perm("registrations.add_survey"),
    }
    if survey is not None:
        results = survey_results(survey=survey, **form.filters())
        context |= {
            "results": results,
            "long_text": LONG_COMMENT_SHOWN,
            "charts": [(result, share_chart(result.rows)) for result in results.questions],
            "headlines": survey_headlines(survey=survey, results=results),
        }
    return render(request, "admin/registrations/survey/results.html", context)


@permission_required("registrations.view_dashboard", raise_exception=True)
def survey_results_print(request: HttpRequest, seminar_id: int) -> HttpResponse:
    """The one-page summary for the department's report: printed from the browser (A4)."""
    seminar, survey, form = _filtered(request, seminar_id)
    if survey is None:
        raise Http404(_("This seminar has no feedback survey."))
    results = survey_results(survey=survey, **form.filters())
    context = {
        **_context(request, seminar, _("Survey summary: %(title)s") % {"title": seminar.title}),
        "survey": survey,
        "results": results,
        "headlines": survey_headlines(survey=survey, results=results),
        "figures": [(result, _print_figures(result)) for result in results.questions],
        "filters": [
            (form.fields[name].label, dict(form.fields[name].choices)[value])
            for name, value in form.filters().items()
            if value
        ],
    }
    return render(request, "admin/registrations/survey/print.html", context)


def _print_figures(result: QuestionResult) -> list[str]:
    """A question's figures for the one-page summary, each a phrase in the reader's language
    (the template joins them with the language's own separator)."""
    between = pgettext("between a label and its value", ": ")
    parts = []
    if result.average is not None:
        parts.append(f"{_('Average')}{between}{number_format(result.average, 1)}")
    if result.agree_percent is not None and result.question.kind == "rating":
        parts.append(_("%(percent)s%% gave 4 or 5") % {"percent": result.agree_percent})
    if result.recommend is not None and result.recommend.score is not None:
        parts.append(f"{_('Recommend score')}{between}{result.recommend.score:+d}")
    if result.rows and result.question.kind != "recommend":
        parts.append(
            " · ".join(
                f"{row.label} {'—' if row.percent is None else number_format(row.percent, 1)}%"
                for row in result.rows
            )
        )
    elif result.texts:
        parts.append(
            ngettext(
                "%(count)s comment (see the export)",
                "%(count)s comments (see the export)",
                result.answered,
            )
            % {"count": result.answered}
        )
    return parts


@permission_required("registrations.export_registration", raise_exception=True)
def survey_export(request: HttpRequest, seminar_id: int, file_format: str) -> HttpResponse:
    """The raw responses (one row each) as a download, recorded in the audit log first."""
    if file_format not in EXPORT_FORMATS:
        raise Http404(_("Survey responses can be exported as CSV or XLSX only."))
    seminar, survey, form = _filtered(request, seminar_id)
    if survey is None:
        raise Http404(_("This seminar has no feedback survey."))
    filters = form.filters()
    rows_count = survey_export_responses(survey=survey, **filters).count()
    if survey_withheld(survey=survey, responses=rows_count):
        # The same rule as the page: too few anonymous answers to hand out, filtered or not.
        messages.error(request, SURVEY_SMALL_GROUP_WITHHELD % {"count": SURVEY_SMALL_GROUP})
        url = reverse("admin:seminar_seminar_survey_results", kwargs={"seminar_id": seminar.pk})
        return redirect(f"{url}?{form.query()}" if form.query() else url)
    survey_export_record(
        survey=survey,
        actor=request.user,
        file_format=file_format,
        rows=rows_count,
        filters=form.query(),
    )
    filename = survey_export_file_name(survey=survey, file_format=file_format)
    rows = survey_response_rows(survey=survey, **filters)
    if file_format == "xlsx":
        return FileResponse(
            survey_responses_xlsx_write(rows=rows),
            as_attachment=True,
            filename=filename,
            content_type=XLSX_TYPE,
        )
    response = StreamingHttpResponse(
        attendees_csv_stream(rows=rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def survey_urls(wrap) -> list:
    """The survey's pages under the seminar's admin URLs; `wrap` is the admin site's view."""
    return [
        path("<int:seminar_id>/survey/", wrap(seminar_survey), name="seminar_seminar_survey"),
        path(
            "<int:seminar_id>/survey/results/",
            wrap(survey_results_page),
            name="seminar_seminar_survey_results",
        ),
        path(
            "<int:seminar_id>/survey/results/print/",
            wrap(survey_results_print),
            name="seminar_seminar_survey_print",
        ),
        path(
            "<int:seminar_id>/survey/results/responses.<str:file_format>",
            wrap(survey_export),
            name="seminar_seminar_survey_export",
        ),
    ]
