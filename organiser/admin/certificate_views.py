"""The organiser's certificate pages (wrapped by the admin site in CertificateAdmin.get_urls).

The seminar's page works without JavaScript: while a bulk run is waiting or issuing, the page
asks the browser to load it again every few seconds (a Refresh header, which CSP allows) and
says so, with the counters so far.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrations.certificate_overview import certificate_overview
from registrations.certificates import (
    REVOKE_REASON_MAX,
    certificate_issue,
    certificate_issue_refusal,
    certificate_live,
    certificate_revoke,
    certificates_issue_all,
)
from registrations.errors import RegistrationError
from registrations.models import Certificate, CertificateRun, Registration
from registrations.qualification import registration_qualification
from seminar.models import Seminar

REFRESH_SECONDS = 3
ISSUED_ONE = gettext_lazy(
    "Certificate %(code)s issued to %(name)s; the email with the PDF will be sent shortly."
)
ACTIVE = (CertificateRun.Status.QUEUED, CertificateRun.Status.RUNNING)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it revoked?"),
        max_length=REVOKE_REASON_MAX,
        # A text area, so that Enter in it is a new line and only the button revokes.
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy(
            "Kept in the record and the audit log; the verification page shows only that it "
            "was revoked, and when."
        ),
    )


class IssueForm(forms.Form):
    override = forms.BooleanField(
        label=gettext_lazy("Issue it although the rule says this person does not qualify"),
        required=False,
    )


def _can_view(request: HttpRequest) -> bool:
    user = request.user
    return user.has_perm("registrations.view_dashboard") or user.has_perm(
        "registrations.add_certificate"
    )


def _context(request: HttpRequest, seminar: Seminar, title: str) -> dict:
    return {
        **admin.site.each_context(request),
        "seminar": seminar,
        "title": title,
        "opts": Seminar._meta,
        "can_issue": request.user.has_perm("registrations.add_certificate"),
        "can_change_seminar": request.user.has_perm("seminar.change_seminar"),
    }


def _names(certificate: Certificate) -> str:
    return " ".join(part for part in (certificate.name_en, certificate.name_zh) if part)


def seminar_certificates(request: HttpRequest, seminar_id: int) -> HttpResponse:
    """Settings, counts, the bulk run's progress; for organisers also the names."""
    if not _can_view(request):
        raise PermissionDenied
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    overview = certificate_overview(seminar=seminar)
    context = {
        **_context(request, seminar, _("Certificates: %(title)s") % {"title": seminar.title}),
        "overview": overview,
        "counts": overview.counts,
        "running": overview.run is not None and overview.run.status in ACTIVE,
        "waiting": overview.run is not None and overview.run.status == CertificateRun.Status.QUEUED,
        "refresh_seconds": REFRESH_SECONDS,
        # Why nothing can be issued now (off, not ended yet: it says from when), or None.
        "issue_refusal": (refusal := certificate_issue_refusal(seminar=seminar)),
        "issuable": refusal is None,
    }
    response = render(request, "admin/registrations/certificates.html", context)
    if context["running"]:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def seminar_certificates_issue_all(request: HttpRequest, seminar_id: int) -> HttpResponse:
    if not request.user.has_perm("registrations.add_certificate"):
        raise PermissionDenied
    seminar = get_object_or_404(Seminar, pk=seminar_id)
    if request.method == "POST":
        try:
            certificates_issue_all(seminar=seminar, by=request.user)
        except RegistrationError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _(
                    "Issuing certificates to everyone who qualifies. Each will get an email "
                    "with the PDF attached."
                ),
            )
    return redirect("admin:registrations_certificate_seminar", seminar_id=seminar.pk)


def certificate_issue_view(request: HttpRequest, registration_id: int) -> HttpResponse:
    """Issue one by hand: the rule's verdict first; when it says no, the organiser must tick
    the override, which the audit log records."""
    if not request.user.has_perm("registrations.add_certificate"):
        raise PermissionDenied
    registration = get_object_or_404(
        Registration.objects.select_related("seminar"), pk=registration_id
    )
    seminar = registration.seminar
    qualification = registration_qualification(registration=registration)
    form = IssueForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        override = form.cleaned_data["override"]
        if not qualification.qualifies and not override:
            form.add_error(
                "override",
                _(
                    "This person does not qualify by the rule. Tick the box to issue a "
                    "certificate anyway, or go back."
                ),
            )
        else:
            try:
                certificate = certificate_issue(
                    registration=registration, by=request.user, override=override
                )
            except RegistrationError as refusal:
                error = refusal.message
            else:
                messages.success(
                    request,
                    ISSUED_ONE % {"code": certificate.code, "name": registration.display_name},
                )
                return redirect("admin:registrations_certificate_seminar", seminar_id=seminar.pk)
    context = {
        **_context(request, seminar, _("Issue a certificate by hand")),
        "issue_refusal": certificate_issue_refusal(seminar=seminar),
        "registration": registration,
        "qualification": qualification,
        "held": certificate_live(registration=registration),
        "form": form,
        "error": error,
    }
    return render(request, "admin/registrations/certificate_issue.html", context)


def certificate_revoke_view(request: HttpRequest, certificate_id: int) -> HttpResponse:
    if not request.user.has_perm("registrations.change_certificate"):
        raise PermissionDenied
    certificate = get_object_or_404(
        Certificate.objects.select_related("registration__seminar"), pk=certificate_id
    )
    seminar = certificate.registration.seminar
    form = RevokeForm(request.POST if request.method == "POST" else None)
    error = None
    # Revoked already: the page shows the revocation instead of the form.
    if request.method == "POST" and certificate.revoked_at is None and form.is_valid():
        try:
            certificate_revoke(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except RegistrationError as refusal:
            if refusal.field:
                form.add_error(refusal.field, refusal.message)
            else:
                error = refusal.message
        else:
            messages.success(
                request,
                _("Certificate %(code)s revoked: the verification page now says so.")
                % {"code": certificate.code},
            )
            return redirect("admin:registrations_certificate_seminar", seminar_id=seminar.pk)
    context = {
        **_context(request, seminar, _("Revoke certificate %(code)s") % {"code": certificate.code}),
        "certificate": certificate,
        "names": _names(certificate),
        "form": form,
        "error": error,
    }
    return render(request, "admin/registrations/certificate_revoke.html", context)
