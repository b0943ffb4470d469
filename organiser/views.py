"""Organisers' pages inside the admin: dashboard, post-event summary, exports, attendance import.

Each view is wrapped by the admin site (staff login) in SeminarAdmin.get_urls
(organiser/admin/programme.py) and checks its own permission here.
"""

from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registrations.attendance import PROBLEMS_LISTED
from registrations.attendance_import import (
    ImportNotLatest,
    PlanChanged,
    PreviewOutdated,
    attendance_import_apply,
    attendance_import_check_pending,
    attendance_import_check_revertible,
    attendance_import_latest,
    attendance_import_plan,
    attendance_import_preview,
    attendance_import_renew,
    attendance_import_revert,
    attendance_import_revert_plan,
    attendance_imports_list,
)
from registrations.edition_figures import edition_comparison
from registrations.errors import RegistrationError
from registrations.models import AttendanceImport, Registration
from registrations.selectors import (
    answer_breakdowns,
    seminar_dashboard_figures,
    seminar_event_summary,
)
from registrations.services import attendees_export_record
from seminar.models import Seminar

from .charts import bar_chart
from .digest_panel import digest_panel_context, digest_panel_post
from .exporters import (
    EXPORT_FORMATS,
    attendee_rows,
    attendees_csv_stream,
    attendees_xlsx_write,
    export_file_name,
)
from .forms import AttendanceImportForm
from .summary import seminar_summary_headline, text_list

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _context(request: HttpRequest, seminar: Seminar, title: str) -> dict:
    return {
        **admin.site.each_context(request),
        "seminar": seminar,
        "title": title,
        "opts": Seminar._meta,
        "can_export": request.user.has_perm("registrations.export_registration"),
        "can_import": request.user.has_perm("registrations.import_attendance"),
    }


@permission_required("registrations.view_dashboard", raise_exception=True)
def seminar_dashboard(request: HttpRequest, seminar_id: int) -> HttpResponse:
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    if request.method == "POST":
        return digest_panel_post(request=request, seminar=seminar)
    figures = seminar_dashboard_figures(seminar=seminar)
    context = {
        **_context(request, seminar, _("Dashboard: %(title)s") % {"title": seminar.title}),
        "headcounts": figures.headcounts,
        "breakdowns": figures.breakdowns,
        "per_day": figures.per_day,
        "modes": figures.modes,
        "chart": bar_chart(figures.per_day),
        "answer_breakdowns": answer_breakdowns(seminar=seminar),
        "comparison": edition_comparison(seminar=seminar, headcounts=figures.headcounts),
        **digest_panel_context(request=request, seminar=seminar),
    }
    return render(request, "admin/registrations/dashboard.html", context)


@permission_required("registrations.view_dashboard", raise_exception=True)
def seminar_summary(request: HttpRequest, seminar_id: int) -> HttpResponse:
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    summary = seminar_event_summary(seminar=seminar)
    context = {
        **_context(request, seminar, _("Post-event summary: %(title)s") % {"title": seminar.title}),
        "summary": summary,
        "headline": seminar_summary_headline(summary=summary),
        "headcounts": summary.headcounts,
    }
    return render(request, "admin/registrations/summary.html", context)


def attendees_export_response(
    *,
    request: HttpRequest,
    queryset: QuerySet[Registration],
    file_format: str,
    filters: str,
    seminar: Seminar | None = None,
) -> HttpResponse:
    """The attendee list as a download (CSV streams; XLSX is built in constant memory first),
    named after `seminar`, or after the seminars the rows belong to.

    An unknown format is refused before anything is recorded: the audit log lists only files
    that were actually handed out.
    """
    if file_format not in EXPORT_FORMATS:
        raise Http404(_("Attendee lists can be exported as CSV or XLSX only."))
    attendees_export_record(
        queryset=queryset, actor=request.user, file_format=file_format, filters=filters
    )
    if seminar is not None:
        slugs = [seminar.slug]
    else:
        slugs = list(queryset.order_by().values_list("seminar__slug", flat=True).distinct()[:2])
    filename = export_file_name(slugs=slugs, file_format=file_format)
    rows = attendee_rows(queryset=queryset)
    if file_format == "xlsx":
        return FileResponse(
            attendees_xlsx_write(rows=rows),
            as_attachment=True,
            filename=filename,
            content_type=XLSX_TYPE,
        )
    response = StreamingHttpResponse(
        attendees_csv_stream(rows=rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@permission_required("registrations.export_registration", raise_exception=True)
def seminar_export(request: HttpRequest, seminar_id: int, file_format: str) -> HttpResponse:
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    return attendees_export_response(
        request=request,
        queryset=seminar.registrations.all(),
        file_format=file_format,
        filters=f"seminar={seminar.slug}",
        seminar=seminar,
    )


def _upload_errors_add(form: AttendanceImportForm, error: RegistrationError) -> None:
    """The refusal next to the file field, with the unreadable rows when that is why."""
    form.add_error("report", str(error.message))
    problems = getattr(error, "problems", [])
    for problem in problems[:PROBLEMS_LISTED]:
        form.add_error("report", problem.message)
    if len(problems) > PROBLEMS_LISTED:
        more = len(problems) - PROBLEMS_LISTED
        form.add_error(
            "report",
            ngettext(
                "…and %(count)d more line that could not be read.",
                "…and %(count)d more lines that could not be read.",
                more,
            )
            % {"count": more},
        )


def _import_page(seminar: Seminar) -> str:
    return reverse("admin:seminar_seminar_attendance_import", kwargs={"seminar_id": seminar.pk})


def _batch_get(seminar: Seminar, batch_id: int) -> AttendanceImport:
    return get_object_or_404(
        AttendanceImport.objects.select_related("seminar"), pk=batch_id, seminar=seminar
    )


@permission_required("registrations.import_attendance", raise_exception=True)
def seminar_attendance_import(request: HttpRequest, seminar_id: int) -> HttpResponse:
    """Upload a report and see what importing it would do (nothing changes here), and the
    seminar's past imports, each of which can be reverted."""
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    if request.method == "POST":
        form = AttendanceImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["report"]
            try:
                batch = attendance_import_preview(
                    seminar=seminar,
                    data=upload.read(),
                    file_name=upload.name,
                    mark_absent=form.cleaned_data["mark_absent"],
                    actor=request.user,
                )
            except RegistrationError as error:
                _upload_errors_add(form, error)
            else:
                return redirect(
                    "admin:seminar_seminar_attendance_preview",
                    seminar_id=seminar.pk,
                    batch_id=batch.pk,
                )
    else:
        form = AttendanceImportForm()
    imports = attendance_imports_list(seminar=seminar)
    context = {
        **_context(request, seminar, _("Import attendance: %(title)s") % {"title": seminar.title}),
        "form": form,
        "imports": imports,
        "revertible": attendance_import_latest(imports),
    }
    return render(request, "admin/registrations/attendance_import.html", context)


@permission_required("registrations.import_attendance", raise_exception=True)
def seminar_attendance_preview(
    request: HttpRequest, seminar_id: int, batch_id: int
) -> HttpResponse:
    """What the uploaded report will do; a POST here is the confirmation that applies it."""
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    batch = _batch_get(seminar, batch_id)
    error = None
    try:
        if request.method == "POST":
            batch = attendance_import_apply(
                batch=batch, actor=request.user, digest=request.POST.get("digest", "")
            )
            messages.success(
                request,
                _(
                    "Attendance imported from “%(file)s”: %(attended)d marked attended, "
                    "%(absent)d marked absent, %(changed)d registrations changed. You can "
                    "revert this import below."
                )
                % {
                    "file": batch.file_name,
                    "attended": batch.matched,
                    "absent": batch.marked_absent,
                    "changed": batch.changed,
                },
            )
            return redirect(_import_page(seminar))
        attendance_import_check_pending(batch=batch)
    except PlanChanged as refusal:
        error = refusal.message
    except PreviewOutdated as refusal:
        try:
            batch = attendance_import_renew(batch=batch)
        except RegistrationError as renewal_refused:  # it expired meanwhile
            messages.error(request, renewal_refused.message)
            return redirect(_import_page(seminar))
        error = refusal.message
    except RegistrationError as refusal:
        messages.error(request, refusal.message)
        return redirect(_import_page(seminar))
    context = {
        **_context(
            request, seminar, _("Check the attendance import: %(title)s") % {"title": seminar.title}
        ),
        "batch": batch,
        "plan": attendance_import_plan(batch=batch),
        "error": error,
    }
    return render(request, "admin/registrations/attendance_import_preview.html", context)


@permission_required("registrations.import_attendance", raise_exception=True)
def seminar_attendance_revert(request: HttpRequest, seminar_id: int, batch_id: int) -> HttpResponse:
    """Asks first, listing what will be put back; a POST reverts."""
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    batch = _batch_get(seminar, batch_id)
    if request.method == "POST":
        try:
            result = attendance_import_revert(batch=batch, actor=request.user)
        except ImportNotLatest as refusal:
            return _revert_later_first(request, seminar, refusal)
        except RegistrationError as refusal:
            messages.error(request, refusal.message)
        else:
            restored = len(result.restored)
            messages.success(
                request,
                ngettext(
                    "Import of “%(file)s” reverted: %(count)d registration restored.",
                    "Import of “%(file)s” reverted: %(count)d registrations restored.",
                    restored,
                )
                % {"file": batch.file_name, "count": restored},
            )
            if result.kept:
                messages.warning(
                    request,
                    _("Changed since the import, so left as they are: %(names)s.")
                    % {"names": text_list([r.display_name for r in result.kept])},
                )
        return redirect(_import_page(seminar))
    try:
        attendance_import_check_revertible(batch=batch)
    except ImportNotLatest as refusal:
        return _revert_later_first(request, seminar, refusal)
    except RegistrationError as refusal:
        messages.error(request, refusal.message)
        return redirect(_import_page(seminar))
    context = {
        **_context(
            request, seminar, _("Revert an attendance import: %(title)s") % {"title": seminar.title}
        ),
        "batch": batch,
        "steps": attendance_import_revert_plan(batch=batch),
    }
    return render(request, "admin/registrations/attendance_import_revert.html", context)


def _revert_later_first(
    request: HttpRequest, seminar: Seminar, refusal: ImportNotLatest
) -> HttpResponse:
    """The refusal with a link to the later import's revert, on the import page."""
    later_url = reverse(
        "admin:seminar_seminar_attendance_revert",
        kwargs={"seminar_id": seminar.pk, "batch_id": refusal.later.pk},
    )
    messages.error(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            refusal.message,
            later_url,
            _("Revert “%(file)s” first") % {"file": refusal.later.file_name},
        ),
    )
    return redirect(_import_page(seminar))
