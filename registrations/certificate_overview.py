"""What the organiser's certificates page shows for one seminar: who qualifies and who holds a
certificate, in a fixed number of queries however many registrants there are."""

from dataclasses import dataclass, field

from django.utils.translation import gettext

from seminar.models import Seminar
from seminar.selectors import seminar_cpd_hours

from .models import Certificate, CertificateRun, Registration
from .qualification import online_minutes_required, registration_qualification


@dataclass
class Row:
    registration: Registration
    reason: str
    certificate: Certificate | None = None

    @property
    def label(self) -> str:
        """The person's names as registered; once removed, the names the certificate keeps
        (never an empty link)."""
        if name := self.registration.display_name:
            return name
        if self.certificate is not None:
            names = (self.certificate.name_en, self.certificate.name_zh)
            if name := " ".join(part for part in names if part):
                return name
        return gettext("(personal data removed)")


@dataclass
class CertificateOverview:
    seminar: Seminar
    hours: object
    minutes_required: int
    to_issue: list[Row] = field(default_factory=list)  # qualify, hold none
    holders: list[Row] = field(default_factory=list)  # hold a live certificate
    not_qualifying: list[Row] = field(default_factory=list)  # neither
    revoked: list[Certificate] = field(default_factory=list)
    run: CertificateRun | None = None
    qualifying: int = 0  # qualify by the rule now, holding a certificate or not

    @property
    def counts(self) -> dict[str, int]:
        return {
            "to_issue": len(self.to_issue),
            "holders": len(self.holders),
            "not_qualifying": len(self.not_qualifying),
            "revoked": len(self.revoked),
        }


def certificate_overview(*, seminar: Seminar) -> CertificateOverview:
    """Everyone registered, sorted into those to issue to, those holding one (qualifying or
    issued by hand) and those who do not qualify with the reason; the revoked certificates; and
    the latest bulk run. Four queries (names on revoked ones are the certificates' own)."""
    overview = CertificateOverview(
        seminar=seminar,
        hours=seminar_cpd_hours(seminar=seminar),
        minutes_required=online_minutes_required(seminar=seminar),
    )
    certificates = list(
        Certificate.objects.filter(registration__seminar=seminar).order_by("-issued_at", "-pk")
    )
    live = {c.registration_id: c for c in certificates if c.revoked_at is None}
    overview.revoked = [c for c in certificates if c.revoked_at is not None]
    registrations = seminar.registrations.order_by("name_en", "name_zh", "pk")
    for registration in registrations:
        registration.seminar = seminar  # the rule reads it; no query per row
        qualification = registration_qualification(registration=registration)
        row = Row(registration, qualification.reason, live.get(registration.pk))
        overview.qualifying += qualification.qualifies
        if row.certificate is not None and registration.anonymised_at is not None:
            # The rule's "personal data removed" would read as a reason it should not exist.
            row.reason = gettext("Issued before the personal data was removed.")
        if row.certificate is not None:
            overview.holders.append(row)
        elif qualification.qualifies:
            overview.to_issue.append(row)
        else:
            overview.not_qualifying.append(row)
    overview.run = seminar.certificate_runs.order_by("-created_at", "-pk").first()
    return overview
