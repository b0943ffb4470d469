"""Reads of the programme for public pages, with query counts that do not grow with the data."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Seminar, SeminarPartner, Session, SessionSpeaker


@dataclass(frozen=True)
class SeminarListing:
    upcoming: list[Seminar]
    past: list[Seminar]


def seminar_public_queryset() -> QuerySet[Seminar]:
    """Seminars the public may see: published and cancelled (a cancellation is news), not drafts."""
    return Seminar.objects.exclude(status=Seminar.Status.DRAFT)


def seminar_listing() -> SeminarListing:
    """Upcoming seminars first, soonest first; then past ones, most recent first. One query."""
    now = timezone.now()
    upcoming, past = [], []
    for seminar in seminar_public_queryset().order_by("starts_at"):
        (past if seminar.ends_at <= now else upcoming).append(seminar)
    past.reverse()
    return SeminarListing(upcoming=upcoming, past=past)


def seminar_get_public(*, slug: str) -> Seminar:
    """The seminar with its programme, speakers and partners loaded in a fixed number of queries.

    Raises Http404 for an unknown slug or a draft.
    """
    speakers = SessionSpeaker.objects.select_related("speaker__organisation")
    sessions = Session.objects.prefetch_related(Prefetch("session_speakers", queryset=speakers))
    partners = SeminarPartner.objects.select_related("organisation")
    queryset = seminar_public_queryset().prefetch_related(
        Prefetch("sessions", queryset=sessions), Prefetch("partners", queryset=partners)
    )
    return get_object_or_404(queryset, slug=slug)


def seminar_partners_by_role(*, seminar: Seminar) -> list[tuple[str, list[SeminarPartner]]]:
    """Partners grouped under a heading for their role, organisers first; uses the prefetch."""
    labels = {
        SeminarPartner.Role.ORGANISER: _("Organised by"),
        SeminarPartner.Role.CO_ORGANISER: _("Co-organised by"),
        SeminarPartner.Role.SUPPORTER: _("Supported by"),
    }
    groups = []
    for role, label in labels.items():
        members = [partner for partner in seminar.partners.all() if partner.role == role]
        if members:
            groups.append((label, members))
    return groups
