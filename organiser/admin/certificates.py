"""Certificates of attendance in the admin: the seminar's "Certificates" page (settings, who
qualifies, the bulk run and its progress, the issued list with revoking), issuing one by hand
(from that page or the registration's own admin), and the list of all certificates.

Organisers (add/change certificate) see names and act; viewers (dashboard only) see the counts;
check-in staff see nothing. The pages themselves are in certificate_views.py.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrations.models import Certificate, Registration
from seminar.models import Seminar

from . import certificate_views as views

# The seminar admin's "Certificates" fieldset: modeltranslation gives the signatory a tab per
# language, as it does the seminar's other translated fields.
CERTIFICATES_FIELDSET = (
    gettext_lazy("Certificates of attendance"),
    {
        "fields": (
            "certificates_enabled",
            "cpd_hours",
            "certificate_online_unit",
            "certificate_online_minimum",
            "certificate_signatory_name",
            "certificate_signatory_title",
        ),
        "description": gettext_lazy(
            "Who qualifies: confirmed registrants checked in at the door, and those online for "
            "at least the minimum below according to the imported attendance report. The "
            "organisations named on the certificate are those ticked under “named on "
            "certificates” below. The signatory may be left blank: the certificate then has a "
            "signature line with no name."
        ),
    },
)


def certificates_url(seminar_id: int) -> str:
    return reverse("admin:registrations_certificate_seminar", kwargs={"seminar_id": seminar_id})


def certificates_link(seminar: Seminar) -> str:
    return format_html('<a href="{}">{}</a>', certificates_url(seminar.pk), _("Certificates"))


def certificate_issue_url(registration: Registration) -> str:
    return reverse(
        "admin:registrations_certificate_issue", kwargs={"registration_id": registration.pk}
    )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """All certificates, read-only: issuing and revoking go through the services' pages."""

    list_display = ("code", "names", "seminar_title", "hours", "issued_at", "revoked_at")
    list_filter = ("registration__seminar", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("registration__seminar",)
    search_fields = ("code", "name_en", "name_zh")
    readonly_fields = (
        "code",
        "registration",
        "name_en",
        "name_zh",
        "hours",
        "issued_at",
        "issued_by_label",
        "revoked_at",
        "revoked_by_label",
        "revoke_reason",
    )
    fields = readonly_fields

    @admin.display(description=gettext_lazy("names"))
    def names(self, certificate: Certificate) -> str:
        return " ".join(part for part in (certificate.name_en, certificate.name_zh) if part)

    @admin.display(description=gettext_lazy("seminar"), ordering="registration__seminar__starts_at")
    def seminar_title(self, certificate: Certificate) -> str:
        return certificate.registration.seminar.title

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # through certificate_issue, which applies the rule

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # revoke instead: the verification page must say so

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # nothing on a certificate is edited; revoking has its own page

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path(
                "seminar/<int:seminar_id>/",
                wrap(views.seminar_certificates),
                name="registrations_certificate_seminar",
            ),
            path(
                "seminar/<int:seminar_id>/issue-all/",
                wrap(views.seminar_certificates_issue_all),
                name="registrations_certificate_issue_all",
            ),
            path(
                "issue/<int:registration_id>/",
                wrap(views.certificate_issue_view),
                name="registrations_certificate_issue",
            ),
            path(
                "<int:certificate_id>/revoke/",
                wrap(views.certificate_revoke_view),
                name="registrations_certificate_revoke",
            ),
            *super().get_urls(),
        ]
