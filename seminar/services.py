"""Writes to the programme that carry a rule. Keyword-only, named <thing>_<verb>, each owning its
transaction."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .models import Seminar
from .validators import session_within_seminar_validate

PROGRAMME_OUTSIDE_SEMINAR = _(
    "These sessions would be outside the seminar's new time: %(sessions)s. Move the programme "
    "with the seminar, or change those sessions' times."
)


@transaction.atomic
def seminar_reschedule(
    *, seminar: Seminar, starts_at: datetime, ends_at: datetime, move_programme: bool
) -> int:
    """Give the seminar a new time; returns how many sessions moved with it.

    With `move_programme`, every session moves by as much as the start did, so the programme
    keeps its shape on the new date. Either way, if a session would then be outside the seminar's
    new time, nothing changes and ValidationError names the sessions: a programme never sits
    outside its seminar. `seminar` gets the new times too.
    """
    # Lock the row: the offset is measured from the start as it is now, which a second
    # reschedule at the same moment must not change underneath us.
    current = Seminar.objects.select_for_update().get(pk=seminar.pk)
    offset = starts_at - current.starts_at
    sessions = current.sessions.all()
    moved = 0
    if move_programme and offset:
        moved = sessions.update(starts_at=F("starts_at") + offset, ends_at=F("ends_at") + offset)
    outside = []
    for session in sessions:
        try:
            session_within_seminar_validate(
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                seminar_starts_at=starts_at,
                seminar_ends_at=ends_at,
            )
        except ValidationError:
            outside.append(session.title)
    if outside:
        separator = pgettext("separator between items of a list", ", ")
        raise ValidationError(
            PROGRAMME_OUTSIDE_SEMINAR,
            code="programme_outside_seminar",
            params={"sessions": separator.join(outside)},
        )
    Seminar.objects.filter(pk=current.pk).update(
        starts_at=starts_at, ends_at=ends_at, updated_at=timezone.now()
    )
    seminar.starts_at, seminar.ends_at = starts_at, ends_at
    return moved
