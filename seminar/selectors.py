"""Reads of the programme for public pages, with query counts that do not grow with the data."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from .models import (
    AttendanceMode,
    Availability,
    Organisation,
    RegistrationState,
    Seminar,
    SeminarPartner,
    Session,
    SessionSpeaker,
)
from .templatetags.seminar_tags import hkt_range


@dataclass(frozen=True)
class SeminarListing:
    upcoming: list[Seminar]
    past: list[Seminar]


def seminar_public_queryset() -> QuerySet[Seminar]:
    """Seminars the public may see: published and cancelled (a cancellation is news), not drafts."""
    return Seminar.objects.exclude(status=Seminar.Status.DRAFT)


def seminar_drafts_visible(*, user) -> bool:
    """Whether `user` may see drafts (the page's preview, the API): active staff who may view
    seminars. Everyone else sees what seminar_public_queryset gives."""
    return bool(user.is_active and user.is_staff and user.has_perm("seminar.view_seminar"))


def seminars_visible(*, include_drafts: bool) -> QuerySet[Seminar]:
    """Seminars in the order they take place (drafts too when asked), one query per page."""
    queryset = Seminar.objects.all() if include_drafts else seminar_public_queryset()
    return queryset.order_by("starts_at", "pk")


def seminar_get_visible(*, slug: str, include_drafts: bool, programme: bool = False) -> Seminar:
    """The seminar at `slug` if it is public (or a draft, when drafts are included), with its
    programme loaded as seminar_get_public loads it when asked. Raises Http404 otherwise."""
    queryset = seminars_visible(include_drafts=include_drafts)
    if programme:
        queryset = _with_programme(queryset)
    return get_object_or_404(queryset, slug=slug)


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
    return get_object_or_404(_with_programme(seminar_public_queryset()), slug=slug)


def _with_programme(queryset: QuerySet[Seminar]) -> QuerySet[Seminar]:
    speakers = SessionSpeaker.objects.select_related("speaker__organisation")
    sessions = Session.objects.prefetch_related(Prefetch("session_speakers", queryset=speakers))
    partners = SeminarPartner.objects.select_related("organisation")
    return queryset.prefetch_related(
        Prefetch("sessions", queryset=sessions), Prefetch("partners", queryset=partners)
    )


def seminar_get_preview(*, slug: str) -> Seminar:
    """A draft, loaded as seminar_get_public loads a public seminar, for organisers to preview
    at its public address. Raises Http404 for an unknown slug or a seminar that is not a draft
    (a public one has its ordinary page)."""
    drafts = Seminar.objects.filter(status=Seminar.Status.DRAFT)
    return get_object_or_404(_with_programme(drafts), slug=slug)


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


def seminar_organisers(*, seminar: Seminar) -> list[Organisation]:
    """The seminar's organisers (partners with the organiser role), in their order.

    They are the data users the collection statement names and the organisers a shared link
    shows. Uses the partners seminar_get_public prefetched; otherwise one query.
    """
    if "partners" in getattr(seminar, "_prefetched_objects_cache", {}):
        partners = seminar.partners.all()
    else:
        partners = seminar.partners.select_related("organisation")
    return [
        partner.organisation
        for partner in partners
        if partner.role == SeminarPartner.Role.ORGANISER
    ]


def seminar_share_summary(*, seminar: Seminar, organisers: list[Organisation]) -> str:
    """What a shared link previews under the title (WeChat, WhatsApp, LinkedIn) and what search
    engines show: when (in HKT), who organises it, and the theme, in the active language."""
    when = hkt_range(seminar.starts_at, seminar.ends_at)
    if organisers:
        separator = pgettext("separator between items of a list", ", ")
        summary = gettext("%(when)s. Organised by %(organisers)s.") % {
            "when": when,
            "organisers": separator.join(organisation.name for organisation in organisers),
        }
    else:
        summary = gettext("%(when)s.") % {"when": when}
    if seminar.theme:
        summary = pgettext("two sentences in a row", "%(first)s %(second)s") % {
            "first": summary,
            "second": seminar.theme,
        }
    return summary


@dataclass(frozen=True)
class ModeAvailability:
    """One way to attend a hybrid seminar and where its seats stand now."""

    mode: str
    label: str
    availability: Availability

    @property
    def summary(self) -> str:
        """ "Online — 12 seats left", "In the room — full: waitlist": the words the seminar page
        and the registration form's choice both use."""
        state, seats = self.availability.state, self.availability.seats_left
        if state == RegistrationState.OPEN and seats is not None:
            return ngettext(
                "%(mode)s — %(count)d seat left", "%(mode)s — %(count)d seats left", seats
            ) % {"mode": self.label, "count": seats}
        if state == RegistrationState.WAITLIST:
            return gettext("%(mode)s — full: waitlist") % {"mode": self.label}
        if state == RegistrationState.FULL:
            return gettext("%(mode)s — full") % {"mode": self.label}
        return self.label


def seminar_mode_availability(*, seminar: Seminar) -> list[ModeAvailability]:
    """Each attendance mode of a hybrid seminar with its own seats; empty for any other seminar,
    whose one mode the seminar's overall availability already describes."""
    if not seminar.is_hybrid:
        return []
    now = timezone.now()
    return [
        ModeAvailability(
            mode=mode,
            label=str(AttendanceMode(mode).label),
            availability=seminar.availability(now=now, mode=mode),
        )
        for mode in seminar.attendance_modes
    ]


def seminar_cpd_hours(*, seminar: Seminar) -> Decimal:
    """The CPD hours a certificate of this seminar states: the organiser's figure when set, else
    the time the programme's sessions cover, breaks left out, else the seminar's own length.

    Sessions that overlap (parallel tracks) are counted once, as a person can sit in one room at
    a time. Rounded to the nearest tenth, as the field stores it. One query for the programme.
    """
    if seminar.cpd_hours is not None:
        return seminar.cpd_hours
    spans = sorted(
        seminar.sessions.exclude(kind=Session.Kind.BREAK).values_list("starts_at", "ends_at")
    )
    covered, end = timedelta(0), None
    for starts_at, ends_at in spans:
        if end is None or starts_at >= end:
            covered += ends_at - starts_at
            end = ends_at
        elif ends_at > end:
            covered += ends_at - end
            end = ends_at
    if not covered:
        covered = seminar.duration
    hours = Decimal(covered.total_seconds()) / Decimal(3600)
    return max(hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), Decimal("0.1"))


def series_past_editions(*, seminar: Seminar) -> list[Seminar]:
    """The editions of the seminar's series before it that were published and have ended,
    newest first, for "Past editions" on its page (an upcoming edition lists them as well as
    the newest one does). Cancelled ones are left out: they did not happen, and their pages say
    so themselves. One query; none without a series."""
    if seminar.series_id is None:
        return []
    return list(
        Seminar.objects.filter(
            series_id=seminar.series_id,
            status=Seminar.Status.PUBLISHED,
            starts_at__lt=seminar.starts_at,
            ends_at__lte=timezone.now(),
        )
        .exclude(pk=seminar.pk)
        .order_by("-starts_at")
    )


def series_newer_edition(*, seminar: Seminar) -> Seminar | None:
    """The newest published edition of the series if it starts after this one: an older
    edition's page points visitors to it. One query; none without a series."""
    if seminar.series_id is None:
        return None
    return (
        Seminar.objects.filter(
            series_id=seminar.series_id,
            status=Seminar.Status.PUBLISHED,
            starts_at__gt=seminar.starts_at,
        )
        .order_by("-starts_at")
        .first()
    )


def edition_previous(*, seminar: Seminar) -> Seminar | None:
    """The same series' published edition that started last before this one, for the
    dashboard's comparison (a cancelled one has no figures worth comparing). One query; none
    without a series."""
    if seminar.series_id is None:
        return None
    return (
        Seminar.objects.filter(
            series_id=seminar.series_id,
            status=Seminar.Status.PUBLISHED,
            starts_at__lt=seminar.starts_at,
        )
        .order_by("-starts_at")
        .first()
    )
