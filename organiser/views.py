"""Organisers' pages inside the admin: dashboard, post-event summary, exports, attendance import.

Each view is wrapped by the admin site (staff login) in SeminarAdmin.get_urls
(organiser/admin/programme.py) and checks its own permission here.
"""

from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from registrations.attendance import AttendanceReportError, attendance_report_parse
from registrations.models import Registration
from registrations.selectors import seminar_dashboard_figures, seminar_event_summary
from registrations.services import attendance_import, attendees_export_record
from seminar.models import Seminar

from .charts import bar_chart
from .exporters import (
    EXPORT_FORMATS,
    attendee_rows,
    attendees_csv_stream,
    attendees_xlsx_write,
    export_file_name,
)
from .forms import AttendanceImportForm
from .summary import seminar_summary_headline

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
    figures = seminar_dashboard_figures(seminar=seminar)
    context = {
        **_context(request, seminar, _("Dashboard: %(title)s") % {"title": seminar.title}),
        "headcounts": figures.headcounts,
        "breakdowns": figures.breakdowns,
        "per_day": figures.per_day,
        "chart": bar_chart(figures.per_day),
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


@permission_required("registrations.import_attendance", raise_exception=True)
def seminar_attendance_import(request: HttpRequest, seminar_id: int) -> HttpResponse:
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    result = None
    if request.method == "POST":
        form = AttendanceImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["report"]
            try:
                report = attendance_report_parse(upload.read())
            except AttendanceReportError as error:
                form.add_error("report", error.message)
            else:
                result = attendance_import(
                    seminar=seminar,
                    report=report,
                    actor=request.user,
                    mark_absent=form.cleaned_data["mark_absent"],
                    file_name=upload.name,
                )
                messages.success(
                    request,
                    _(
                        "%(matched)d participants matched (%(changed)d changed), "
                        "%(absent)d marked absent, %(unmatched)d rows matched nobody."
                    )
                    % {
                        "matched": result.matched,
                        "changed": result.changed,
                        "absent": result.marked_absent,
                        "unmatched": len(result.unmatched),
                    },
                )
                if not result.unmatched:
                    return redirect("admin:seminar_seminar_dashboard", seminar_id=seminar.pk)
    else:
        form = AttendanceImportForm()
    context = {
        **_context(request, seminar, _("Import attendance: %(title)s") % {"title": seminar.title}),
        "form": form,
        "result": result,
    }
    return render(request, "admin/registrations/attendance_import.html", context)
